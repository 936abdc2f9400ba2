/** Exponential backoff with full jitter: 100 ms, 200 ms, … capped at 5 s. */
export function backoffMs(attempt: number): number {
  return Math.random() * Math.min(5000, 100 * 2 ** (attempt - 1));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Counts free invocation slots; `close()` wakes every waiter so pollers can see they must stop. */
export class Semaphore {
  private readonly waiters: (() => void)[] = [];
  private closed = false;

  constructor(private free: number) {}

  acquire(): Promise<void> {
    if (this.closed || this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      this.free--;
      waiter();
    }
  }
}
