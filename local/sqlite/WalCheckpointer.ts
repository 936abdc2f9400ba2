import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Slots of the shared control array. */
const STOP = 0;
const STARTED = 1;
const DONE = 2;
/** How long close() waits for an in-flight checkpoint before abandoning the thread. */
const STOP_WAIT_MS = 5_000;

/**
 * The checkpointer thread: its own connection, a PASSIVE checkpoint every interval (copies
 * committed WAL frames into the database file without blocking the writer or readers), and a
 * synchronous stop handshake so `stop()` can be called from the store's synchronous close().
 * The thread announces itself before it looks at the stop flag and opens the database only
 * after, so a stop that races the start never leaves a connection open.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const control = new Int32Array(workerData.control);
Atomics.store(control, ${STARTED}, 1);
let db;
try {
  if (Atomics.load(control, ${STOP}) === 0) {
    db = new DatabaseSync(workerData.path);
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    while (Atomics.wait(control, ${STOP}, 0, workerData.intervalMs) !== 'not-equal' && Atomics.load(control, ${STOP}) === 0) {
      try {
        checkpoint.get();
      } catch {
        // A failed checkpoint is retried at the next interval; the writer's own auto-checkpoint
        // (set high, not off) still bounds the WAL if this thread can never checkpoint.
      }
    }
  }
} finally {
  try {
    db?.close();
  } finally {
    Atomics.store(control, ${DONE}, 1);
    Atomics.notify(control, ${DONE});
  }
}
`;

/**
 * Runs SQLite WAL checkpoints of one database file on a background thread.
 *
 * In WAL mode a commit only appends to the WAL; copying those pages into the database file (and
 * fsyncing it, even with `synchronous = NORMAL`) is the checkpoint. SQLite's default runs it
 * inside whichever commit pushes the WAL past 1,000 pages, so every ~50th WriteRecords call paid
 * for it on the event loop. Here it runs on another thread instead; durability does not change,
 * because a transaction is durable once its commit is in the WAL.
 */
export class WalCheckpointer {
  private readonly control = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;
  private stopped = false;

  constructor(path: string, intervalMs: number) {
    if (!Number.isInteger(intervalMs) || intervalMs < 1) {
      throw new RangeError(`checkpoint interval must be a positive integer of ms, got ${intervalMs}`);
    }
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Named for memory and CPU breakdowns by thread (the soak's, a debugger's).
      name: `wal-checkpointer ${basename(path)}`,
      workerData: { path, intervalMs, control: this.control.buffer },
    });
    // Never keeps the process alive; errors are reported by the thread ending (see stop()).
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  /**
   * Stops the thread and closes its connection before returning (waiting for an in-flight
   * checkpoint), so the caller can close its own connections right after. Idempotent.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.control, STOP, 1);
    Atomics.notify(this.control, STOP);
    if (Atomics.load(this.control, STARTED) === 1) {
      Atomics.wait(this.control, DONE, 0, STOP_WAIT_MS);
    }
    // Not started yet: it will see STOP before opening anything. Either way the thread can go.
    void this.worker.terminate();
  }
}
