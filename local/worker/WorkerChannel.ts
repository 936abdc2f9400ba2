import type { Worker } from 'node:worker_threads';
import type { EmulatorCall, EmulatorResponse } from './protocol.ts';

/**
 * Calls to the emulator worker and their answers: each call carries an id and is settled by the
 * answer with that id. Once the worker fails (an uncaught error, an unexpected exit) every pending
 * and later call is rejected with the reason, which `onFailure` hears once; after {@link stopped},
 * the thread's exit is expected and only rejects what is still pending.
 */
export class WorkerChannel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private failureReason: string | undefined;
  private isStopped = false;

  constructor(
    private readonly worker: Worker,
    private readonly onFailure: (reason: string) => void,
  ) {
    worker.on('message', (response: EmulatorResponse) => {
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      if (response.ok) waiter.resolve(response.result);
      else waiter.reject(new Error(response.error));
    });
    worker.on('error', (error) => this.fail(`${error.name}: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.isStopped) this.rejectPending('it has stopped');
      else this.fail(`the thread exited unexpectedly (code ${code})`);
    });
  }

  /** Why the worker stopped working, if it did. */
  get failure(): string | undefined {
    return this.failureReason;
  }

  call<T>(request: EmulatorCall): Promise<T> {
    if (this.failureReason) return Promise.reject(new Error(`emulator worker: ${this.failureReason}`));
    if (this.isStopped) return Promise.reject(new Error('emulator worker: it has stopped'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  /** The worker is being stopped on purpose: from now on its exit is not a failure. */
  stopped(): void {
    this.isStopped = true;
  }

  private fail(reason: string): void {
    if (this.failureReason === undefined) {
      this.failureReason = reason;
      this.onFailure(reason);
    }
    this.rejectPending(reason);
  }

  private rejectPending(reason: string): void {
    for (const { reject } of this.pending.values()) reject(new Error(`emulator worker: ${reason}`));
    this.pending.clear();
  }
}
