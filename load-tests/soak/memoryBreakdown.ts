import { channel } from 'node:diagnostics_channel';
import { readdirSync, readFileSync } from 'node:fs';
import { getHeapStatistics, type HeapInfo } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/** One isolate's V8 heap (MiB): what is committed and resident, and what live objects use. */
export interface HeapSample {
  readonly usedMiB: number;
  readonly physicalMiB: number;
  /** Memory outside the heap that V8 is told about (ArrayBuffers, Buffers, SQLite-backed objects). */
  readonly externalMiB: number;
}

/**
 * Where the cell's resident memory is, at one instant (MiB). `anon` is the process's anonymous
 * resident memory (every thread's V8 heap, malloc arenas: SQLite page caches, Buffers, code);
 * `native` is `anon` minus the V8 heaps' resident pages: malloc (SQLite page caches, Buffers, V8's
 * own zones), thread stacks, pages a heap gave up but that are still resident, and the heaps of
 * threads started by other threads (the WAL checkpointers inside the emulator thread), which the
 * diagnostics channel of this thread does not announce.
 * `children` is the resident memory of the cell's child processes (the Fargate tasks), which the
 * process's own RSS does not include; the load generator, also a child, is left out.
 */
export interface MemorySample {
  readonly atS: number;
  readonly rssMiB: number;
  readonly anonMiB: number;
  readonly fileMiB: number;
  readonly shmemMiB: number;
  /**
   * Anonymous pages freed with `madvise(MADV_FREE)` (V8 discards unused heap pages that way) that
   * are still counted as resident: the kernel takes them back only under memory pressure, so they
   * inflate `rss` on a machine with free memory without being in use (smaps_rollup `LazyFree`).
   */
  readonly lazyFreeMiB: number;
  readonly nativeMiB: number;
  readonly childrenMiB: number;
  readonly heaps: Readonly<Record<string, HeapSample>>;
}

const MIB = 2 ** 20;

/**
 * Samples the breakdown of this process's memory by thread and kind. Worker threads are found
 * through Node's `worker_threads` diagnostics channel, so it must be created before the cell
 * starts them; each is labelled by its `name` (`threadName`), numbered if several share one.
 */
export class MemoryBreakdown {
  private readonly workers = new Map<Worker, string>();
  private readonly onWorker = ({ worker }: { worker: Worker }) => {
    worker.once('online', () => this.workers.set(worker, this.label(worker)));
    worker.once('exit', () => this.workers.delete(worker));
  };
  private readonly workerChannel = channel('worker_threads');

  constructor(
    /** Child processes to leave out of `children` (the load generator), by command-line text. */
    private readonly excludeChildren: RegExp,
  ) {
    this.workerChannel.subscribe(this.onWorker as (message: unknown) => void);
  }

  /** @param atS the sample's time, seconds since the run started */
  async sample(atS: number): Promise<MemorySample> {
    const heaps: Record<string, HeapSample> = { main: heapSample(getHeapStatistics()) };
    const threads = [...this.workers];
    const stats = await Promise.all(threads.map(([worker]) => worker.getHeapStatistics().catch(() => undefined)));
    threads.forEach(([, label], i) => {
      const s = stats[i];
      if (s) heaps[label] = heapSample(s);
    });
    const status = procFields('self', 'status');
    const heapsMiB = Object.values(heaps).reduce((sum, h) => sum + h.physicalMiB, 0);
    return {
      atS,
      rssMiB: status.VmRSS ?? 0,
      anonMiB: status.RssAnon ?? 0,
      fileMiB: status.RssFile ?? 0,
      shmemMiB: status.RssShmem ?? 0,
      lazyFreeMiB: procFields('self', 'smaps_rollup').LazyFree ?? 0,
      nativeMiB: (status.RssAnon ?? 0) - heapsMiB,
      childrenMiB: descendants(process.pid, this.excludeChildren).reduce(
        (sum, pid) => sum + (procFields(String(pid), 'status').VmRSS ?? 0),
        0,
      ),
      heaps,
    };
  }

  /** The running worker thread labelled `label` (see the class comment), if there is one. */
  worker(label: string): Worker | undefined {
    for (const [worker, name] of this.workers) if (name === label) return worker;
    return undefined;
  }

  stop(): void {
    this.workerChannel.unsubscribe(this.onWorker as (message: unknown) => void);
  }

  private label(worker: Worker): string {
    const name = worker.threadName || 'worker';
    const taken = new Set(this.workers.values());
    if (!taken.has(name)) return name;
    let n = 2;
    while (taken.has(`${name}#${n}`)) n++;
    return `${name}#${n}`;
  }
}

function heapSample(s: HeapInfo): HeapSample {
  return {
    usedMiB: s.used_heap_size / MIB,
    physicalMiB: s.total_physical_size / MIB,
    externalMiB: s.external_memory / MIB,
  };
}

/** The `kB` fields of /proc/<pid>/<file> in MiB (Linux; empty elsewhere or if the process is gone). */
export function procFields(pid: string, file: 'status' | 'smaps_rollup'): Record<string, number> {
  const fields: Record<string, number> = {};
  try {
    for (const line of readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\n')) {
      const match = /^(\w+):\s+(\d+) kB$/.exec(line);
      if (match?.[1] && match[2]) fields[match[1]] = Number(match[2]) / 1024;
    }
  } catch {
    // Not Linux, or the process ended between listing and reading.
  }
  return fields;
}

/** Every descendant process of `pid` except those (and their subtrees) whose command line matches. */
function descendants(pid: number, exclude: RegExp): number[] {
  const found: number[] = [];
  for (const child of children(pid)) {
    if (exclude.test(commandLine(child))) continue;
    found.push(child, ...descendants(child, exclude));
  }
  return found;
}

function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
