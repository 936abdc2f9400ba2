import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsCells } from '../../cells/cells.config.ts';
import { TargetError } from '../errors.ts';
import { type AwsClients, awsTarget } from './awsTarget.ts';
import type { CellTarget } from './CellTarget.ts';
import { type AccessOptions, cellSession } from './cellSession.ts';
import { localTarget } from './localTarget.ts';

/** `npm start` keeps the local cell here (relative to the repository). */
export const DEFAULT_LOCAL_DATA_DIR = '.data/local';

const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface TargetFlags {
  /** `--cell`: an AWS cell id from cells/cells.config.ts, or the local cell's id. */
  readonly cell?: string;
  /** `--data-dir`: where the local cell runs. */
  readonly dataDir?: string;
  /** How to reach a deployed cell (`--profile`, `--region`, `--role-arn`); the local cell needs none. */
  readonly access?: AccessOptions;
}

/**
 * Which cell a command acts on: the running local cell by default; `--cell <id>` names a deployed
 * cell (or the local one, by its id). The local cell's data directory is `--data-dir`, else
 * `BEMS_DATA_DIR`, else `.data/local` in the working directory or, failing that, the repository.
 * Injected `clients` (tests) are used as they are; otherwise the deployed cell's clients get their
 * credentials from `cellSession` (profile, and the cell's role across accounts).
 */
export async function resolveTarget(
  flags: TargetFlags,
  env: Readonly<Record<string, string | undefined>>,
  clients: AwsClients = {},
): Promise<CellTarget> {
  const aws = flags.cell === undefined ? undefined : awsCells().find((cell) => cell.id === flags.cell);
  if (aws) {
    if (flags.dataDir) throw new TargetError(`--data-dir is for the local cell; ${aws.id} is an AWS cell`);
    if (Object.keys(clients).length > 0) return awsTarget(aws, clients, undefined, env);
    return awsTarget(aws, {}, await cellSession(aws, flags.access ?? { level: 'operator' }), env);
  }
  const dataDir = localDataDir(flags.dataDir, env);
  const target = localTarget(dataDir, env);
  if (flags.cell !== undefined && flags.cell !== target.cellId) {
    target.close();
    const known = awsCells().map((c) => c.id);
    throw new TargetError(
      `unknown cell "${flags.cell}": AWS cells are ${known.join(', ')}; the local cell on ${dataDir} is "${target.cellId}"`,
    );
  }
  return target;
}

export function localDataDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (flag) return resolve(flag);
  if (env.BEMS_DATA_DIR) return resolve(env.BEMS_DATA_DIR);
  const here = resolve(DEFAULT_LOCAL_DATA_DIR);
  return existsSync(here) ? here : join(REPOSITORY_ROOT, DEFAULT_LOCAL_DATA_DIR);
}
