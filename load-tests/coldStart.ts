/**
 * Cold starts of the Lambda bundles, before and after: builds each function's bundle at the current
 * tree and at a base commit (a temporary worktree with its own `npm ci`), each with its own
 * `CellFunction` (so with the CDK's esbuild options of that commit), loads every bundle in fresh
 * Node processes, and prints sizes and init times with their ratios. Writes
 * `load-tests/results/coldstart.md`.
 *
 *   npm run coldstart -- [--base <commit>] [--runs 20] [--tracing] [--adot] [--out FILE]
 *
 * `--tracing` adds the tracing options of ADR 0019 (X-Ray SDK under Powertools Tracer, as the base
 * commit has it, vs the OpenTelemetry setup of handlers/shared/tracing); `--adot` also installs the
 * AWS Distro for OpenTelemetry's Node auto-instrumentation (the code of its Lambda layer) into a
 * temporary directory and loads the current bundles with it preloaded.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type BaseTree, checkOutBase, git } from './coldStart/baseTree.ts';
import { type BundleSet, compareBundles } from './coldStart/compareBundles.ts';
import { consoleTable, loadAverage, markdownReport } from './coldStart/report.ts';
import { measureTracingOptions } from './coldStart/tracingOptions.ts';

/** The last commit before the cold-start work (issue 20, items 3 and 4): what "today" was. */
export const COLD_START_BASELINE = '2378c0d691e60352675bfb0a279addaa5bf854a7';

const ROOT = path.resolve(import.meta.dirname, '..');
const BUNDLER = path.join(ROOT, 'load-tests/coldStart/bundleWithCdk.ts');

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: COLD_START_BASELINE },
    runs: { type: 'string', default: '20' },
    out: { type: 'string', default: path.join(ROOT, 'load-tests/results/coldstart.md') },
    tracing: { type: 'boolean', default: false },
    adot: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const log = (line: string) => console.error(`coldstart: ${line}`);

const startedAt = new Date().toISOString();
const loadAverageAtStart = loadAverage();
const commit = `${git(ROOT, ['rev-parse', 'HEAD']).trim()}${git(ROOT, ['status', '--porcelain']).trim() ? ' (with uncommitted changes)' : ''}`;
const work = mkdtempSync(path.join(tmpdir(), 'bems-coldstart-'));
let base: BaseTree | undefined;
try {
  log('bundling the current tree with the CDK');
  const after: BundleSet = { label: 'after', bundles: bundle(ROOT, path.join(work, 'after')) };
  base = checkOutBase(ROOT, values.base, log);
  log('bundling the base tree with its CDK');
  const before: BundleSet = {
    label: 'before',
    bundles: JSON.parse(lastLine(base.runScript(BUNDLER, [base.root, path.join(work, 'before')]))),
  };
  const rows = await compareBundles(before, after, runs, log);
  const command = `npm run coldstart --${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const facts = { command, commit, baseCommit: base.commit, runs, startedAt, loadAverageAtStart };
  mkdirSync(path.dirname(values.out), { recursive: true });
  // Written now and again below: a failure in the optional tracing part keeps the main figures.
  writeFileSync(values.out, markdownReport(rows, facts, ''));
  const tracing =
    values.tracing || values.adot
      ? await measureTracingOptions({ base, work, runs, adot: values.adot, currentBundles: after.bundles, log })
      : { console: '', markdown: '' };
  console.log(consoleTable(rows));
  if (tracing.console) console.log(`\n${tracing.console}`);
  writeFileSync(values.out, markdownReport(rows, facts, tracing.markdown));
  log(`results: ${path.relative(ROOT, values.out)}`);
} finally {
  base?.remove();
  rmSync(work, { recursive: true, force: true });
}

function bundle(root: string, outdir: string): Record<string, string> {
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const out = execFileSync(tsx, [BUNDLER, root, outdir], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(lastLine(out));
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
