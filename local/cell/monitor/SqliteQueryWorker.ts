import { Worker } from 'node:worker_threads';

/**
 * The worker's code: one read-only connection, one statement per message. Plain JavaScript run with
 * `eval`, so it needs no TypeScript loader inside the worker.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path, { readOnly: true });
db.exec('PRAGMA busy_timeout = 5000');
parentPort.on('message', ({ id, sql, params }) => {
  try {
    parentPort.postMessage({ id, rows: db.prepare(sql).all(...params) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

/**
 * Read-only SQL over a SQLite file on a worker thread. node:sqlite is synchronous: the SLA query of
 * the monitor scans the look-back window of the time-series store, which after a load test takes
 * long enough to stall every poller and the API of the local cell if it ran on the main thread.
 */
export class SqliteQueryWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (rows: Record<string, unknown>[]) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(path: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, name: 'monitor-query', workerData: { path } });
    // Idle, it must not keep the process alive; a query in progress is awaited by its caller.
    this.worker.unref();
    this.worker.on('message', (message: { id: number; rows?: Record<string, unknown>[]; error?: string }) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(message.error));
      else waiting.resolve(message.rows ?? []);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', () => this.failAll(new Error('the SQLite query worker stopped')));
  }

  query(sql: string, params: readonly (string | number)[]): Promise<Record<string, unknown>[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, sql, params });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
