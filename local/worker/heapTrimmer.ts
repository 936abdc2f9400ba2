import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Gives a thread's emptied V8 heap pages back to the operating system once its heap has shrunk.
 *
 * V8 13.6 (Node 24) keeps the pages a major GC empties in a per-isolate page pool for reuse, and
 * frees them only in a last-resort collection (memory pressure, isolate teardown): each thread's
 * resident memory stays at its heap's high-water mark. `load-tests/soak/v8PagePool.ts` shows it: a
 * heap filled to ~240 MiB and collected keeps ~235 MiB resident with 4 MiB in use, 40 s later as well,
 * and one last-resort GC brings it to ~17 MiB in ~40 ms. In the 10-minute soak, one excursion of the
 * main thread's heap (100 → 182 MiB for half a minute, at a minute that varies) left ~80 MiB resident
 * for the rest of the run: the difference between passing and failing (docs/PERFORMANCE.md, "Memory
 * over time").
 *
 * So every `intervalMs` the trimmer compares the heap's physical size with its largest since the
 * last trim — pages that left the heap's count went to the pool — and when at least `minPooledMiB`
 * (16) have stayed pooled for two checks in a row (a heap that grows again at once takes its pages back
 * from the pool, and a trim would only make it fault them in again) it runs one last-resort GC.
 * That is a pause of tens of milliseconds on the thread, after a shrink that happens a few times an
 * hour under steady load; `heapTrimStats()` counts them.
 */
export interface HeapTrimmerOptions {
  /** @default 5000 */
  readonly intervalMs?: number;
  /**
   * Smaller than the main thread's once-a-minute excursion under the soak (~30 MiB: 90 → 119 MiB and
   * back), which 32 MiB let through to stay resident. @default 16
   */
  readonly minPooledMiB?: number;
}

export interface HeapTrimStats {
  readonly trims: number;
  /** Physical heap size the trims found pooled, summed (an estimate: V8 does not report its pool). */
  readonly pooledMiB: number;
  /** Time the trims' collections took on this thread. */
  readonly pauseMs: number;
}

const MIB = 1024 * 1024;
/** Checks in a row that must find the pages still pooled. */
const CHECKS_BEFORE_TRIM = 2;

/** Whether a trim is due, from the heap's physical size at each check. */
export class PooledPagesEstimate {
  readonly #minPooledBytes: number;
  #peakBytes = 0;
  #checksPooled = 0;

  constructor(minPooledMiB: number) {
    this.#minPooledBytes = minPooledMiB * MIB;
  }

  /** Physical bytes now; true when at least the minimum has stayed pooled long enough. */
  observe(physicalBytes: number): boolean {
    this.#peakBytes = Math.max(this.#peakBytes, physicalBytes);
    if (this.pooledBytes(physicalBytes) < this.#minPooledBytes) {
      this.#checksPooled = 0;
      return false;
    }
    this.#checksPooled++;
    return this.#checksPooled >= CHECKS_BEFORE_TRIM;
  }

  pooledBytes(physicalBytes: number): number {
    return Math.max(0, this.#peakBytes - physicalBytes);
  }

  /** After a trim the heap's size then is the new mark: its pool is empty. */
  trimmed(physicalBytes: number): void {
    this.#peakBytes = physicalBytes;
    this.#checksPooled = 0;
  }
}

export type GcFunction = (options?: {
  type: 'major' | 'minor';
  execution: 'sync';
  flavor?: 'regular' | 'last-resort';
}) => void;

/**
 * V8's `gc` extension, taken from a fresh context so that no global `gc` appears: the flag is set
 * only while that context is made (the documented way to reach it after start-up is the command-line
 * flag, which would expose it to every module).
 */
export function gcExtension(): GcFunction {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as GcFunction;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

let users = 0;
let timer: NodeJS.Timeout | undefined;
let stats: HeapTrimStats = { trims: 0, pooledMiB: 0, pauseMs: 0 };

/**
 * Starts this thread's trimmer (once per thread; later calls share it) and returns its release: the
 * last release stops it. The timer does not keep the thread alive.
 */
export function retainHeapTrimmer(options: HeapTrimmerOptions = {}): () => void {
  users++;
  if (users === 1) timer = startTimer(options);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    users--;
    if (users === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

export function heapTrimStats(): HeapTrimStats {
  return stats;
}

function startTimer(options: HeapTrimmerOptions): NodeJS.Timeout {
  const gc = gcExtension();
  const estimate = new PooledPagesEstimate(options.minPooledMiB ?? 16);
  const interval = setInterval(() => {
    const physical = getHeapStatistics().total_physical_size;
    if (!estimate.observe(physical)) return;
    const pooled = estimate.pooledBytes(physical);
    const startedAt = performance.now();
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    stats = {
      trims: stats.trims + 1,
      pooledMiB: stats.pooledMiB + pooled / MIB,
      pauseMs: stats.pauseMs + (performance.now() - startedAt),
    };
    estimate.trimmed(getHeapStatistics().total_physical_size);
  }, options.intervalMs ?? 5000);
  interval.unref();
  return interval;
}
