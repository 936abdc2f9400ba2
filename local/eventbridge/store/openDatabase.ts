import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { checkDataDir } from '../../sqlite/checkDataDir.ts';
import { inImmediateTransaction } from '../../sqlite/inImmediateTransaction.ts';
import { EventBridgeDataDirError } from '../errors.ts';
import { APP_ID, MIGRATE_1_TO_2, SCHEMA, SCHEMA_VERSION } from './schema.ts';

export const DATABASE_FILE = 'eventbridge.sqlite';

/**
 * Opens (or creates) `<dataDir>/eventbridge.sqlite`. Anything that is not this emulator's
 * database, or that cannot be read and written, is refused with one {@link EventBridgeDataDirError};
 * nothing existing is ever overwritten.
 *
 * Durability trade-off: the database runs in WAL mode with `synchronous=NORMAL`. A commit
 * appends to the WAL through the OS page cache and returns without fsync, so an event that got a
 * PutEvents answer survives the emulator process being killed (`kill -9`): the kernel still
 * writes the page. Only an OS crash or power loss can lose the last commits before the next WAL
 * checkpoint — the price of thousands of events per second instead of one fsync per request.
 * `synchronous: 'FULL'` closes that window for hosts where it matters. The local cell's loss
 * guarantee (DESIGN §1) is stated against process failure, which NORMAL covers.
 *
 * The file is opened with `locking_mode=EXCLUSIVE`: a second emulator on the same data directory
 * would deliver every outbox row twice, so it gets a clear error instead.
 */
export function openDatabase(
  dataDir: string,
  synchronous: 'NORMAL' | 'FULL' = 'NORMAL',
): { db: DatabaseSync; path: string } {
  const path = join(dataDir, DATABASE_FILE);
  prepareDataDir(dataDir, path);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { timeout: 2000 });
  } catch (cause) {
    throw new EventBridgeDataDirError(path, `cannot be opened: ${messageOf(cause)}`, { cause });
  }
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    db.exec('PRAGMA journal_size_limit = 67108864');
    inImmediateTransaction(db, () => ensureSchema(db, path));
  } catch (cause) {
    db.close();
    throw openFailure(path, cause);
  }
  return { db, path };
}

function openFailure(path: string, cause: unknown): EventBridgeDataDirError {
  if (cause instanceof EventBridgeDataDirError) return cause;
  const message = messageOf(cause);
  if (/locked|busy/i.test(message)) {
    const reason = 'is in use by another process (another local cell on this data directory?)';
    return new EventBridgeDataDirError(path, reason, { cause });
  }
  const reason = `is unreadable or corrupt (${message}); move it away or use another data directory`;
  return new EventBridgeDataDirError(path, reason, { cause });
}

function prepareDataDir(dataDir: string, path: string): void {
  const problem = checkDataDir(dataDir, { missingOn: (code) => code === 'ENOENT' || code === 'ENOTDIR' });
  if (problem?.kind === 'notDirectory') throw new EventBridgeDataDirError(dataDir, 'is not a directory');
  if (problem) {
    const { cause } = problem;
    throw new EventBridgeDataDirError(dataDir, `cannot be read or written: ${messageOf(cause)}`, { cause });
  }
  try {
    const file = statSync(path, { throwIfNoEntry: false });
    if (file && !file.isFile()) throw new EventBridgeDataDirError(path, 'is not a regular file');
    if (file) accessSync(path, constants.R_OK | constants.W_OK);
  } catch (cause) {
    if (cause instanceof EventBridgeDataDirError) throw cause;
    throw new EventBridgeDataDirError(dataDir, `cannot be read or written: ${messageOf(cause)}`, { cause });
  }
}

/**
 * Creates the schema in a new database and brings a version-1 one up to date (inside the opening
 * transaction); refuses a database that belongs to something else or another version.
 */
function ensureSchema(db: DatabaseSync, path: string): void {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
    .all()
    .map((r) => String(r.name));
  if (tables.length === 0) {
    db.exec(SCHEMA);
    const meta = db.prepare('INSERT INTO eventbridge_meta (key, value) VALUES (?, ?)');
    meta.run('app', APP_ID);
    meta.run('schema_version', String(SCHEMA_VERSION));
    return;
  }
  if (!tables.includes('eventbridge_meta')) {
    throw new EventBridgeDataDirError(path, 'is an SQLite database of something else; refusing to touch it');
  }
  const meta = Object.fromEntries(
    db
      .prepare('SELECT key, value FROM eventbridge_meta')
      .all()
      .map((r) => [String(r.key), String(r.value)]),
  );
  if (meta.app !== APP_ID) {
    throw new EventBridgeDataDirError(path, 'is an SQLite database of something else; refusing to touch it');
  }
  if (Number(meta.schema_version) === 1) {
    db.exec(MIGRATE_1_TO_2);
    db.prepare("UPDATE eventbridge_meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION));
    return;
  }
  if (Number(meta.schema_version) !== SCHEMA_VERSION) {
    throw new EventBridgeDataDirError(
      path,
      `has schema version ${meta.schema_version}, this emulator understands ${SCHEMA_VERSION}; use a matching BEMS version`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
