/**
 * What grew between two V8 heap snapshots of one thread: objects by kind and constructor (count and
 * self size), and strings by their first characters, the largest growth first.
 *
 *   npx tsx load-tests/soak/compareHeapSnapshots.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--top 25]
 *
 * Self sizes only (no retainers): enough to name what accumulates; open the two files in Chrome
 * DevTools' Memory tab ("Comparison") to see who holds it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatNumber, formatTable } from '../../ops/formatTable.ts';

interface HeapSnapshotFile {
  readonly snapshot: {
    readonly meta: { readonly node_fields: string[]; readonly node_types: [string[], ...unknown[]] };
  };
  readonly nodes: number[];
  readonly strings: string[];
}

/** Count and self size (bytes) per group of nodes. */
export type HeapGroups = Map<string, { count: number; bytes: number }>;

const STRING_PREFIX = 48;

/** Groups a snapshot's nodes: objects by `kind constructor`, strings by their first characters. */
export function groupHeapSnapshot(file: HeapSnapshotFile): { byKind: HeapGroups; strings: HeapGroups } {
  const fields = file.snapshot.meta.node_fields;
  const [types] = file.snapshot.meta.node_types;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byKind: HeapGroups = new Map();
  const strings: HeapGroups = new Map();
  for (let i = 0; i < file.nodes.length; i += width) {
    const type = types[file.nodes[i + typeAt] ?? 0] ?? 'unknown';
    const name = file.strings[file.nodes[i + nameAt] ?? 0] ?? '';
    const bytes = file.nodes[i + sizeAt] ?? 0;
    const isString = type === 'string' || type === 'concatenated string' || type === 'sliced string';
    add(byKind, isString ? '(string)' : `${type} ${type === 'object' || type === 'closure' ? name : ''}`.trim(), bytes);
    if (isString) add(strings, name.slice(0, STRING_PREFIX).replace(/\s+/g, ' '), bytes);
  }
  return { byKind, strings };
}

function add(groups: HeapGroups, key: string, bytes: number): void {
  const group = groups.get(key) ?? { count: 0, bytes: 0 };
  group.count++;
  group.bytes += bytes;
  groups.set(key, group);
}

/** The groups whose self size grew most from `before` to `after`. */
export function heapGrowth(before: HeapGroups, after: HeapGroups, top: number) {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((key) => {
      const b = before.get(key) ?? { count: 0, bytes: 0 };
      const a = after.get(key) ?? { count: 0, bytes: 0 };
      return { key, count: a.count - b.count, bytes: a.bytes - b.bytes, bytesAfter: a.bytes };
    })
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, top);
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  const [beforePath, afterPath] = positionals;
  if (!beforePath || !afterPath) throw new Error('usage: compareHeapSnapshots.ts BEFORE AFTER [--top N]');
  const top = Number(values.top);
  const read = (path: string) => groupHeapSnapshot(JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshotFile);
  const before = read(beforePath);
  const after = read(afterPath);
  const mb = (n: number) => formatNumber(n / 2 ** 20, 2);
  for (const [title, b, a] of [
    ['objects by kind and constructor', before.byKind, after.byKind],
    [`strings by their first ${STRING_PREFIX} characters`, before.strings, after.strings],
  ] as const) {
    console.log(`\n${title}`);
    console.log(
      formatTable(
        ['group', 'count growth', 'MiB growth', 'MiB after'],
        heapGrowth(b, a, top).map((g) => [g.key.slice(0, 70), formatNumber(g.count, 0), mb(g.bytes), mb(g.bytesAfter)]),
        { align: ['left', 'right', 'right', 'right'] },
      ),
    );
  }
}
