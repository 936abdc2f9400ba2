import { accessSync, constants, mkdirSync, statSync } from 'node:fs';

/** Why a data directory cannot hold a store; each caller words it in its own error. */
export type DataDirProblem =
  /** It exists (or may) but cannot be examined, e.g. a parent is not searchable. */
  | { readonly kind: 'unreadable'; readonly cause: unknown }
  | { readonly kind: 'notDirectory' }
  | { readonly kind: 'uncreatable'; readonly cause: unknown }
  /** A directory, but this user cannot read, write and enter it. */
  | { readonly kind: 'inaccessible'; readonly cause: unknown };

export interface CheckDataDirOptions {
  /**
   * Which failures of stat(2) on the directory mean "missing: create it"; any other is
   * `unreadable`. Default: ENOENT only. The stores keep the answers they always gave when a parent
   * is a file (ENOTDIR) or not searchable (EACCES): the EventBridge store also counts ENOTDIR
   * (Node's `throwIfNoEntry: false`), the Timestream store counts every failure (`existsSync`), so
   * those reach mkdir and report its error.
   */
  readonly missingOn?: (code: string | undefined) => boolean;
}

/** stat(2) failures that {@link checkDataDir} treats as a missing directory by default. */
const missingOnlyIfNoEntry = (code: string | undefined): boolean => code === 'ENOENT';

/**
 * Checks the data directory of a store before any file in it is opened: an existing one must be
 * a directory this user can read and write (nothing in it is touched), a missing one is created.
 * Returns the first problem found, or undefined when the directory is ready.
 */
export function checkDataDir(dir: string, options: CheckDataDirOptions = {}): DataDirProblem | undefined {
  const missingOn = options.missingOn ?? missingOnlyIfNoEntry;
  let isDirectory: boolean | undefined;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (cause) {
    if (!missingOn((cause as NodeJS.ErrnoException).code)) return { kind: 'unreadable', cause };
  }
  if (isDirectory === false) return { kind: 'notDirectory' };
  if (isDirectory === undefined) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (cause) {
      return { kind: 'uncreatable', cause };
    }
  }
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (cause) {
    return { kind: 'inaccessible', cause };
  }
  return undefined;
}
