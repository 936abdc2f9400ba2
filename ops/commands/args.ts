import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isStage, STAGES, type Stage } from '../../schemas/stages.ts';
import { UsageError } from '../errors.ts';
import { type CellTarget, resolveTarget } from '../target/index.ts';
import type { CommandIo } from './Command.ts';

/** Flags every cell command takes. */
export const TARGET_OPTIONS = {
  cell: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const TARGET_USAGE = `  --cell ID            a deployed cell (cells/cells.config.ts), or the local cell by its id; default: the local cell
  --data-dir DIR       the local cell's data directory (default: $BEMS_DATA_DIR or .data/local)
  --json               machine-readable output`;

/** node:util parseArgs, with its errors as usage errors. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

export function parseStage(flag: string, value: string | undefined): Stage | undefined {
  if (value === undefined) return undefined;
  if (!isStage(value)) throw new UsageError(`${flag}: "${value}" is not a stage; stages: ${STAGES.join(', ')}`);
  return value;
}

/** Resolves the cell named by the flags, runs `fn`, and always closes the clients. */
export async function withTarget<T>(
  values: { cell?: string | undefined; 'data-dir'?: string | undefined },
  io: CommandIo,
  fn: (target: CellTarget) => Promise<T>,
): Promise<T> {
  const target = await resolveTarget(
    {
      ...(values.cell !== undefined ? { cell: values.cell } : {}),
      ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    },
    io.env,
    io.awsClients ?? {},
  );
  try {
    return await fn(target);
  } finally {
    target.close();
  }
}

export function printJson(io: CommandIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
