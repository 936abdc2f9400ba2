import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkDataDir, type DataDirProblem } from '../sqlite/checkDataDir.ts';
import { DataDirError } from './errors.ts';

const LOCK_FILE = 'local-cell.pid';
/** Data directories locked by cells of this process (the pid file cannot tell them apart). */
const lockedHere = new Set<string>();

/**
 * Checks the data directory before anything is started: an existing one must be a readable and
 * writable directory (it is never emptied or overwritten), a missing one is created. Returns the
 * absolute path.
 */
export function prepareDataDir(dataDir: string): string {
  const path = resolve(dataDir);
  const problem = checkDataDir(path);
  if (problem) throw dataDirError(path, problem);
  return path;
}

function dataDirError(path: string, problem: DataDirProblem): DataDirError {
  switch (problem.kind) {
    case 'unreadable':
      return new DataDirError(path, `cannot be read: ${(problem.cause as Error).message}`, { cause: problem.cause });
    case 'notDirectory':
      return new DataDirError(path, 'exists but is not a directory');
    case 'uncreatable':
      return new DataDirError(path, `cannot be created: ${(problem.cause as Error).message}`, { cause: problem.cause });
    case 'inaccessible':
      return new DataDirError(path, 'is not readable and writable by this user', { cause: problem.cause });
  }
}

/**
 * One cell per data directory: two processes on the same SQLite files would each keep their own
 * in-memory queue state and hand out the same messages twice. A lock left by a process that died
 * (kill -9) is taken over, since its pid is no longer alive.
 */
export function lockDataDir(path: string): { release(): void } {
  const file = join(path, LOCK_FILE);
  let holder: number | undefined;
  try {
    holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
  } catch {
    holder = undefined;
  }
  const inUse = lockedHere.has(path) || (holder !== undefined && holder !== process.pid && isAlive(holder));
  if (inUse)
    throw new DataDirError(
      path,
      `is in use by another local cell (pid ${lockedHere.has(path) ? process.pid : holder}); stop it or use another --data-dir`,
    );
  try {
    writeFileSync(file, String(process.pid));
  } catch (error) {
    throw new DataDirError(path, `cannot be written: ${(error as Error).message}`, { cause: error });
  }
  lockedHere.add(path);
  return {
    release: () => {
      lockedHere.delete(path);
      try {
        if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file);
      } catch {
        // already gone: nothing to release
      }
    },
  };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
