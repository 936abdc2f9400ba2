import { readFileSync } from 'node:fs';

/**
 * A process's anonymous resident memory by what kind of mapping holds it (MiB), from
 * /proc/<pid>/smaps: which allocator owns `native` memory and the heaps' pages.
 * - `malloc`: glibc's main arena (`[heap]`, grown with brk) and its thread arenas (mappings that
 *   start on a 64 MiB boundary inside a 64 MiB reservation, the rest of which is `---p`);
 *   SQLite's page caches, Buffers, V8's zones live there.
 * - `v8Pages`: mappings whose size is a multiple of V8's 256 KiB page, below 64 MiB: every isolate's
 *   heap pages, including pages V8 keeps pooled after a GC and the heaps of threads the soak cannot
 *   see (WAL checkpointers); large `mmap`ed mallocs of such sizes land here too.
 * - `other`: thread stacks, smaller or odd-sized mappings.
 * Reading smaps walks every mapping (a few thousand here), so sample it every few seconds, not more.
 */
export interface AnonymousMappings {
  readonly mallocMiB: number;
  readonly v8PagesMiB: number;
  readonly otherMiB: number;
}

const KIB = 1024;
const ARENA_BYTES = 64 * 2 ** 20;
const V8_PAGE_BYTES = 256 * KIB;

interface Mapping {
  readonly start: number;
  readonly end: number;
  readonly inaccessible: boolean;
  readonly name: string;
  anonymousKiB: number;
}

export function anonymousMappings(pid: number | 'self'): AnonymousMappings | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return undefined; // Not Linux, or the process is gone.
  }
  const mappings: Mapping[] = [];
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header?.[1] && header[2] && header[3]) {
      mappings.push({
        start: Number.parseInt(header[1], 16),
        end: Number.parseInt(header[2], 16),
        inaccessible: header[3].startsWith('---'),
        name: header[4] ?? '',
        anonymousKiB: 0,
      });
      continue;
    }
    const anonymous = /^Anonymous:\s+(\d+) kB$/.exec(line);
    const current = mappings.at(-1);
    if (anonymous?.[1] && current) current.anonymousKiB += Number(anonymous[1]);
  }
  const kib = { malloc: 0, v8Pages: 0, other: 0 };
  mappings.forEach((m, i) => {
    if (m.anonymousKiB > 0) kib[kindOf(m, mappings[i + 1])] += m.anonymousKiB;
  });
  return { mallocMiB: kib.malloc / KIB, v8PagesMiB: kib.v8Pages / KIB, otherMiB: kib.other / KIB };
}

function kindOf(m: Mapping, next: Mapping | undefined): 'malloc' | 'v8Pages' | 'other' {
  if (m.name === '[heap]') return 'malloc';
  if (m.name !== '') return 'other';
  const size = m.end - m.start;
  const arenaReservation =
    m.start % ARENA_BYTES === 0 &&
    (size === ARENA_BYTES || (next?.start === m.end && next.inaccessible && next.end - m.start <= ARENA_BYTES));
  if (arenaReservation) return 'malloc';
  if (size < ARENA_BYTES && size % V8_PAGE_BYTES === 0) return 'v8Pages';
  return 'other';
}
