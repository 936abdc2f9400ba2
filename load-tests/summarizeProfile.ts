/**
 * Summarises a V8 CPU profile of the local cell by component: which emulator, handler or library
 * the time went to. Each sample is charged to the innermost stack frame that belongs to a known
 * component (so the SDK's work inside a handler call counts as "AWS SDK client").
 *
 *   npx tsx load-tests/summarizeProfile.ts /tmp/cell.cpuprofile [--top 20] [--functions 25]
 *
 * `--functions N` also lists the N functions with the most self time, each with its caller —
 * native calls such as SQLite's `run`/`exec` only make sense next to the JavaScript that made them.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Component of a frame by its script URL; first match wins, so specific patterns come first. */
const COMPONENTS: readonly [RegExp, string][] = [
  [/node_modules\/(fauxqs|fastify|find-my-way|light-my-request|@fastify)\//, 'fauxqs (SNS/SQS emulator)'],
  [/\/local\/eventbridge\//, 'EventBridge emulator'],
  [/\/local\/timestream\//, 'Timestream emulator'],
  [/\/local\/cell\/(pollers|wire)\/|\/runtimes\/sqs\//, 'event source mappings (pollers), loopback wire clients'],
  [/\/local\/cell\/(api|metering)\/|node_modules\/(hono|@hono)\//, 'API Gateway stand-in'],
  [/\/handlers\//, 'handlers'],
  [/\/schemas\/|node_modules\/zod\//, 'contract validation (zod)'],
  [/node_modules\/@aws-lambda-powertools\//, 'Powertools'],
  [/node_modules\/(@smithy|@aws-sdk|@aws-crypto|fast-xml-parser|bowser)\//, 'AWS SDK clients'],
  [/node_modules\/(tsx|esbuild)\/|node:internal\/modules\//, 'module loading'],
];

export function summarizeProfile(profile: CpuProfile): { component: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const componentOf = new Map<number, string>();
  const classify = (id: number): string => {
    const cached = componentOf.get(id);
    if (cached) return cached;
    let current: number | undefined = id;
    let found: string | undefined;
    while (current !== undefined && !found) {
      const url = byId.get(current)!.callFrame.url;
      found = COMPONENTS.find(([pattern]) => pattern.test(url))?.[1];
      current = parent.get(current);
    }
    const leaf = byId.get(id)!.callFrame;
    const result =
      found ??
      (['(garbage collector)', '(idle)', '(program)'].includes(leaf.functionName)
        ? leaf.functionName
        : 'Node core (HTTP, streams, crypto, timers)');
    componentOf.set(id, result);
    return result;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const component = classify(id);
    totals.set(component, (totals.get(component) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals]
    .map(([component, us]) => ({ component, ms: us / 1000, share: us / all }))
    .sort((a, b) => b.ms - a.ms);
}

/** Self time per (function, caller) pair, most first. */
export function topFunctions(profile: CpuProfile, limit: number): { frame: string; caller: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const describe = (id: number | undefined) => {
    if (id === undefined) return '(root)';
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url ? `${url.replace(/^.*\/(node_modules|work\/main)\//, '')}:${lineNumber + 1}` : 'native';
    return `${functionName || '(anonymous)'} ${file}`;
  };
  const totals = new Map<string, { frame: string; caller: string; us: number }>();
  profile.samples.forEach((id, i) => {
    const frame = describe(id);
    const caller = describe(parent.get(id));
    const key = `${frame}\u0000${caller}`;
    const entry = totals.get(key) ?? { frame, caller, us: 0 };
    entry.us += profile.timeDeltas[i] ?? 0;
    totals.set(key, entry);
  });
  return [...totals.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map(({ frame, caller, us }) => ({ frame, caller, ms: us / 1000 }));
}

if (import.meta.filename === process.argv[1]) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '20' }, functions: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) {
    console.error('Usage: tsx load-tests/summarizeProfile.ts FILE.cpuprofile [--top N] [--functions N]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  for (const row of summarizeProfile(profile).slice(0, Number(values.top))) {
    console.log(`${row.ms.toFixed(0).padStart(8)} ms  ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.component}`);
  }
  if (values.functions) {
    console.log('\nself time by function (← caller):');
    for (const row of topFunctions(profile, Number(values.functions))) {
      console.log(`${row.ms.toFixed(0).padStart(8)} ms  ${row.frame}  ← ${row.caller}`);
    }
  }
}
