import { Worker } from 'node:worker_threads';
import type { SqlValue } from './localSql.ts';
import type { DashboardStore } from './queries.ts';

/**
 * Runs the dashboard's read queries on a worker thread with its own read-only SQLite connection.
 *
 * node:sqlite is synchronous: a view over 100,000 records takes seconds, and on the local cell's main
 * thread that would stall the API, the pollers and the emulators for as long (and distort any load test
 * running with the dashboard open). SQLite in WAL mode lets a second connection read while the store's
 * writer writes, so the work moves off the event loop with no change in results.
 *
 * The worker starts on the first query and ends after `idleMs` without one, so a cell that nobody
 * watches holds no extra thread or file handle; it never keeps the process alive.
 */
export class WorkerQueryStore implements DashboardStore {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();

  /**
   * @param path the SQLite file of the store (`TimestreamStore.path`)
   * @param idleMs how long an unused worker lives. @default 30_000
   */
  constructor(
    readonly path: string,
    private readonly idleMs = 30_000,
  ) {}

  query<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<T[]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      worker.postMessage({ id, sql, params });
    });
  }

  /** Ends the worker now (pending queries fail). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    clearTimeout(this.idleTimer);
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      name: 'dashboard-query',
      workerData: { path: this.path },
    });
    worker.unref();
    worker.on('message', (message: { id: number; rows?: unknown[]; error?: string }) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(message.error));
      else waiting.resolve(message.rows ?? []);
      if (this.pending.size === 0) this.scheduleIdleStop();
    });
    const failAll = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`dashboard query worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
    this.idleTimer.unref();
  }
}

/**
 * The worker: one read-only connection, statements cached by SQL text. Integers stay numbers except
 * where a query casts them to TEXT (money sums), so nothing is rounded on the way back.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path, { readOnly: true });
db.exec('PRAGMA busy_timeout = 5000');
// Views materialize and sort whole windows: in memory (not temp files) and with a 64 MiB page cache this
// halves their time; the memory goes when the idle worker ends.
db.exec('PRAGMA temp_store = MEMORY');
db.exec('PRAGMA cache_size = -65536');
const statements = new Map();
parentPort.on('message', ({ id, sql, params }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size > 200) statements.clear();
      statements.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(...params) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;
