import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isStage, STAGES, type Stage } from '../../schemas/stages.ts';
import { toCsv } from '../csv.ts';
import { UsageError } from '../errors.ts';
import { EXIT_CODES } from '../exitCodes.ts';
import { formatTable } from '../formatTable.ts';
import { booleanOptions, stringOptions } from '../optionTable.ts';
import { type CellTarget, resolveTarget } from '../target/index.ts';
import type { CommandIo } from './Command.ts';
import { GLOBAL_OPTIONS, globalOptionsOf, TARGET_OPTIONS, UnknownOptionError } from './globalOptions.ts';

export { TARGET_OPTIONS } from './globalOptions.ts';

export const TARGET_USAGE = `  --cell ID            a deployed cell (cells/cells.config.ts), or the local cell by its id; default: the local cell
  --data-dir DIR       the local cell's data directory (default: $BEMS_DATA_DIR or .data/local)`;

/**
 * Which DLQ of a stage a command works on, `--consumer C` or `--inbox` (else every one), and with
 * `--invoice ID` (repeatable) which of its messages: `bems dlq park`/`discard`, `bems parked`, `bems redrive`.
 */
const DLQ_SELECT_OPTIONS = {
  ...stringOptions('consumer'),
  ...booleanOptions('inbox'),
  invoice: { type: 'string', multiple: true },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs over the command's options and the global ones (globalOptions.ts), with its
 * errors as usage errors (an unknown option names the nearest one). `values.json` is true for
 * any machine output (`--json`, `--output json` or `--output csv`): commands then hand their
 * document to `printJson`, which writes it in the chosen format.
 */
export function parseCommandArgs<T extends Options>(args: readonly string[], options: T, allowPositionals = false) {
  const all = { ...GLOBAL_OPTIONS, ...options };
  const parsed = (() => {
    try {
      return parseArgs({ args: [...args], options: all, allowPositionals, strict: true });
    } catch (error) {
      throw usageErrorOf(error as Error & { code?: string }, Object.keys(all));
    }
  })();
  const globals = globalOptionsOf(parsed.values as Parameters<typeof globalOptionsOf>[0]);
  return {
    values: { ...parsed.values, json: globals.output !== 'table' },
    positionals: parsed.positionals,
  };
}

function usageErrorOf(error: Error & { code?: string }, known: readonly string[]): UsageError {
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'(-[^']*)'/.exec(error.message)?.[1] ?? error.message;
    return new UnknownOptionError(option, known);
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']*)'/.exec(error.message)?.[1];
    return new UsageError(`unexpected argument${argument ? ` "${argument}"` : ''}`, { cause: error });
  }
  // "Option '--cell <value>' argument missing" and the like: node's text is already one clear line.
  return new UsageError(error.message.split('\n')[0]!.replace(/\.$/, ''), { cause: error });
}

/** `parseCommandArgs` for a command that reaches a cell: `--cell` and `--data-dir` (TARGET_OPTIONS) plus its own options. */
export function parseTargetCommandArgs<T extends Options>(args: readonly string[], options: T) {
  return parseCommandArgs(args, { ...TARGET_OPTIONS, ...options });
}

/** parseCommandArgs for a command on DLQ routes: the target, the DLQ selection, `options`; positionals allowed. */
export function parseDlqCommandArgs<T extends Options>(args: readonly string[], options: T) {
  return parseCommandArgs(args, { ...TARGET_OPTIONS, ...DLQ_SELECT_OPTIONS, ...options }, true);
}

/** A sub-command's implementation: its arguments (after the sub-command's name) to an exit code. */
export type Subcommand = (args: readonly string[], io: CommandIo) => Promise<number>;

/**
 * `bems <command> <sub> …`: runs the sub-command the first argument names with the rest; none, or
 * one the command does not have, is a usage error naming the sub-commands there are.
 */
export async function runSubcommand(
  args: readonly string[],
  io: CommandIo,
  subcommands: Readonly<Record<string, Subcommand>>,
): Promise<number> {
  const [sub, ...rest] = args;
  const names = Object.keys(subcommands);
  if (sub === undefined)
    throw new UsageError(`name a sub-command: ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);
  if (!Object.hasOwn(subcommands, sub)) throw new UsageError(`unknown sub-command "${sub}"`);
  return subcommands[sub]!(rest, io);
}

export function parseStage(flag: string, value: string | undefined): Stage | undefined {
  if (value === undefined) return undefined;
  if (!isStage(value)) throw new UsageError(`${flag}: "${value}" is not a stage; stages: ${STAGES.join(', ')}`);
  return value;
}

/** The flags that say which cell and with which credentials (a command's parsed values). */
export interface TargetValues {
  readonly cell?: string | undefined;
  readonly 'data-dir'?: string | undefined;
  readonly profile?: string | undefined;
  readonly region?: string | undefined;
  readonly 'role-arn'?: string | undefined;
}

/** Resolves the cell named by the flags, runs `fn`, and always closes the clients. */
export async function withTarget<T>(
  values: TargetValues,
  io: CommandIo,
  fn: (target: CellTarget) => Promise<T>,
): Promise<T> {
  const target = await resolveTarget(
    {
      ...(values.cell !== undefined ? { cell: values.cell } : {}),
      ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
      access: {
        ...(values.profile !== undefined ? { profile: values.profile } : {}),
        ...(values.region !== undefined ? { region: values.region } : {}),
        ...(values['role-arn'] !== undefined ? { roleArn: values['role-arn'] } : {}),
        level: io.accessLevel ?? 'operator',
      },
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

/**
 * Writes a command's machine-readable document: JSON (two-space indent), or with `--output csv`
 * the rows of its main list (`rowsOf`, else its first list of objects, else the document itself).
 */
export function printJson(io: CommandIo, value: unknown, csv: { readonly rowsOf?: string } = {}): void {
  if (io.output === 'csv') io.out(toCsv(value, csv.rowsOf));
  else io.out(JSON.stringify(value, null, 2));
}

/** A listing's answer: its document with `--json`/`--output`, else `empty` when it has no rows, else a table. Exit code 0. */
export function printRows(
  io: CommandIo,
  json: boolean | undefined,
  listing: {
    readonly document: unknown;
    readonly empty: string;
    readonly header: readonly string[];
    readonly rows: readonly (readonly string[])[];
  },
): number {
  if (json) printJson(io, listing.document);
  else io.out(listing.rows.length === 0 ? listing.empty : formatTable(listing.header, listing.rows));
  return EXIT_CODES.ok;
}
