import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { checkDataDir, type DataDirProblem } from '../sqlite/checkDataDir.ts';
import { inImmediateTransaction } from '../sqlite/inImmediateTransaction.ts';
import { WalCheckpointer } from '../sqlite/WalCheckpointer.ts';

/** What an emulator's SQLite file is: its name, schema and how its errors are named. */
export interface StoreFileSpec {
  /** Service name in messages, e.g. `Firehose`. */
  readonly service: string;
  /** File name in the data directory: the service's name in lower case, e.g. `firehose.sqlite`. */
  readonly fileName: string;
  /** DDL of a new store. */
  readonly schema: string;
  /** Bumped whenever the schema changes; a store from a newer version is refused, not "fixed". */
  readonly schemaVersion: number;
  /**
   * Brings a store of an older schema version up to `schemaVersion`, inside the opening
   * transaction. Without it, an older store is refused.
   */
  readonly migrate?: (db: DatabaseSync, fromVersion: number) => void;
  /** The service's store error class. */
  readonly error: new (
    path: string,
    message: string,
    options?: ErrorOptions,
  ) => Error;
}

/**
 * The spec of `<service in lower case>.sqlite`. `schemaVersion` is bumped whenever the schema
 * changes; a store of a newer version is refused, not "fixed", and an older one is migrated by
 * `migrate` (or refused without it).
 */
export function storeFileSpec(
  service: string,
  schemaVersion: number,
  schema: string,
  error: StoreFileSpec['error'],
  migrate?: StoreFileSpec['migrate'],
): StoreFileSpec {
  const fileName = `${service.toLowerCase()}.sqlite`;
  return { service, fileName, schema, schemaVersion, error, ...(migrate ? { migrate } : {}) };
}

export interface StoreFileOptions {
  readonly dataDir: string;
  /** DDL of views and indexes a host reads the store through, run in one transaction at every open. */
  readonly readSchema?: string;
  /** A second, read-only connection for reads, so a read can never modify the store. */
  readonly readOnlyReader?: boolean;
  /**
   * WAL checkpoints on a background thread this often instead of inside the commit that crosses
   * SQLite's 1,000-page threshold (see {@link WalCheckpointer}); off when absent.
   */
  readonly checkpointIntervalMs?: number;
  /**
   * The writer's page cache in KiB (`PRAGMA cache_size = -N`); SQLite's default (2,000 KiB) when
   * absent. A cache is filled as pages are touched and never grows past this size.
   */
  readonly pageCacheKiB?: number;
}

/** With a checkpoint thread, the writer still checkpoints itself past this many WAL pages (~32 MiB). */
const WRITER_CHECKPOINT_SAFETY_PAGES = 8192;

/**
 * The base of an emulator's store: its SQLite file, `<dataDir>/<fileName>` in WAL mode, opened
 * without ever damaging a file that is not (or not yet) one of its stores, with a writer
 * connection, optionally a read-only reader, and optionally a checkpoint thread. The subclass owns
 * the tables and every statement.
 */
export class SqliteStore {
  /** Absolute path of the SQLite file. */
  readonly path: string;
  protected readonly writer: DatabaseSync;
  /** The read-only connection, or the writer when the store has none. */
  protected readonly reader: DatabaseSync;
  private readonly checkpointer: WalCheckpointer | undefined;
  private closed = false;

  constructor(spec: StoreFileSpec, options: StoreFileOptions) {
    prepareStoreDir(options.dataDir, spec);
    this.path = join(options.dataDir, spec.fileName);
    if (existsSync(this.path) && !statSync(this.path).isFile()) {
      throw new spec.error(this.path, `${spec.service} store ${this.path} exists but is not a file`);
    }
    this.writer = openStoreWriter(this.path, spec, options.readSchema);
    if (options.pageCacheKiB !== undefined) setPageCache(this.writer, options.pageCacheKiB);
    let reader: DatabaseSync | undefined;
    try {
      if (options.readOnlyReader) {
        reader = new DatabaseSync(this.path, { readOnly: true });
        reader.exec('PRAGMA busy_timeout = 5000');
      }
      if (options.checkpointIntervalMs !== undefined) {
        this.checkpointer = new WalCheckpointer(this.path, options.checkpointIntervalMs);
        this.writer.exec(`PRAGMA wal_autocheckpoint = ${WRITER_CHECKPOINT_SAFETY_PAGES}`);
      }
    } catch (error) {
      this.checkpointer?.stop();
      reader?.close();
      this.writer.close();
      if (error instanceof RangeError) throw error;
      throw new spec.error(
        this.path,
        `Cannot open ${spec.service} store ${this.path} for reading: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
    this.reader = reader ?? this.writer;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes every connection (a subclass first forgets its prepared statements); safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // First, so the writer's close is the last one and checkpoints and removes the WAL.
    this.checkpointer?.stop();
    if (this.reader !== this.writer) this.reader.close();
    this.writer.close();
  }
}

/** Sets a connection's page cache to `kib` KiB; anything but a non-negative integer is refused. */
function setPageCache(db: DatabaseSync, kib: number): void {
  if (!Number.isInteger(kib) || kib < 0) {
    db.close();
    throw new RangeError(`page cache must be a non-negative integer of KiB, got ${kib}`);
  }
  db.exec(`PRAGMA cache_size = -${kib}`);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Checks (and creates if missing) the data directory without touching anything already in it. */
function prepareStoreDir(dataDir: string, spec: StoreFileSpec): void {
  const problem = checkDataDir(dataDir, { missingOn: () => true });
  if (problem) throw new spec.error(dataDir, dataDirMessage(dataDir, problem), { cause: causeOf(problem) });
}

function dataDirMessage(dataDir: string, problem: DataDirProblem): string {
  switch (problem.kind) {
    case 'unreadable':
      return `Cannot read data directory ${dataDir}: ${describe(problem.cause)}`;
    case 'notDirectory':
      return `Data directory ${dataDir} exists but is not a directory`;
    case 'uncreatable':
      return `Cannot create data directory ${dataDir}: ${describe(problem.cause)}`;
    case 'inaccessible':
      return `Data directory ${dataDir} is not readable and writable: ${describe(problem.cause)}`;
  }
}

function causeOf(problem: DataDirProblem): unknown {
  return 'cause' in problem ? problem.cause : undefined;
}

/** Schema version and object names, read before anything is written. */
function inspect(db: DatabaseSync, path: string, spec: StoreFileSpec): { version: number; objects: string[] } {
  try {
    const { user_version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all();
    return { version: Number(user_version), objects: rows.map((row) => String(row.name)) };
  } catch (error) {
    throw new spec.error(
      path,
      `${spec.service} store ${path} is not a readable SQLite database (${describe(error)}); it was left untouched — move it away or use another data directory`,
      { cause: error },
    );
  }
}

/** Refuses a file that is not a store of this emulator, or one it cannot bring to its version. */
function checkVersion(path: string, spec: StoreFileSpec, found: { version: number; objects: string[] }): void {
  const { version, objects } = found;
  const refuse = (why: string) => new spec.error(path, `${why}; it was left untouched`);
  if (version > spec.schemaVersion) {
    throw refuse(
      `${spec.service} store ${path} has schema version ${version}, newer than this emulator's ${spec.schemaVersion}`,
    );
  }
  if (version === 0 && objects.length > 0) {
    const contents = objects.slice(0, 5).join(', ');
    throw refuse(`${path} is a SQLite database but not a ${spec.service} store (it contains ${contents})`);
  }
  if (version > 0 && version < spec.schemaVersion && !spec.migrate) {
    throw refuse(`${spec.service} store ${path} has schema version ${version}, older than this emulator's`);
  }
}

/**
 * Opens the writer connection and verifies the file is a store of this emulator BEFORE writing to
 * it, so a wrong or corrupt file is reported and left exactly as it was. Creates the schema in a
 * new file, migrates an older one, and runs the host's `readSchema` at every open.
 */
function openStoreWriter(path: string, spec: StoreFileSpec, readSchema: string | undefined): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw new spec.error(path, `Cannot open ${spec.service} store ${path}: ${describe(error)}`, { cause: error });
  }
  try {
    checkVersion(path, spec, inspect(db, path, spec));
    db.exec('PRAGMA journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA foreign_keys = ON');
    inImmediateTransaction(db, () => {
      // Read again under the write lock: another connection may have created the schema meanwhile.
      const { version } = inspect(db, path, spec);
      if (version === 0) db.exec(spec.schema);
      else if (version < spec.schemaVersion) spec.migrate?.(db, version);
      if (version < spec.schemaVersion) db.exec(`PRAGMA user_version = ${spec.schemaVersion}`);
      // The host's views and indexes, at every open: a definition changed since the last run applies.
      if (readSchema !== undefined) db.exec(readSchema);
    });
    return db;
  } catch (error) {
    db.close();
    if (error instanceof spec.error) throw error;
    throw new spec.error(path, `Cannot initialise ${spec.service} store ${path}: ${describe(error)}`, { cause: error });
  }
}
