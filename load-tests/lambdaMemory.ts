/**
 * How much memory each Lambda function really uses: its esbuild bundle (built as the CDK builds it:
 * ESM, node24, minified, SDK bundled) run in a fresh Node process per function with the bench's
 * batches (ingest: 10-event API Gateway requests; forward and consume: SQS batches of 10; the
 * monitor: its schedule), against a local cell's emulators, with the function's own environment.
 * Prints each function's memory setting (cells/functionPlan.ts) beside the maximum resident memory
 * it reached — Lambda's "Max Memory Used" — and writes load-tests/results/lambdaMemory.json.
 *
 *   npx tsx load-tests/lambdaMemory.ts [--invocations 200] [--out FILE]
 *
 * On AWS, memory also buys CPU (1,769 MB = one vCPU), so a setting above what a function uses can
 * still be right for latency; the table says what the memory alone requires.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { lambdaBuildOptions } from '../cells/constructs/lambdaBundling.ts';
import { FUNCTION_DEFAULTS, type HandlerName } from '../cells/functionPlan.ts';
import { type RunningLocalCell, startLocalCell } from '../local/cell/LocalCell.ts';
import { formatNumber, formatTable } from '../ops/formatTable.ts';
import { sampleInvocations } from './lambdaMemory/sampleInvocations.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HARNESS = join(ROOT, 'load-tests/lambdaMemory/runBundle.mjs');

interface BundleRun {
  readonly maxRssMiB: number;
  readonly heapUsedMiB: number;
  readonly initMs: number;
  readonly msPerInvocation: number;
  readonly invocations: number;
  readonly failures: number;
  readonly firstError?: string;
}

const { values } = parseArgs({
  options: { invocations: { type: 'string', default: '200' }, out: { type: 'string' } },
});
const invocations = Number(values.invocations);
const out = resolve(values.out ?? join(ROOT, 'load-tests/results/lambdaMemory.json'));
const work = mkdtempSync(join(tmpdir(), 'bems-lambda-memory-'));
const loadAverageAtStart = loadavg()[0] ?? 0;
const cell = await startLocalCell({ port: 0, dataDir: join(work, 'data'), quiet: true, monitorIntervalMs: 0 });
try {
  const rows = [];
  for (const fn of cell.functions) {
    const bundle = await bundleHandler(fn.handler, join(work, fn.functionName));
    const run = await runBundle(cell, fn, bundle);
    if (run.failures > 0) console.error(`${fn.functionName}: ${run.failures} failed invocations: ${run.firstError}`);
    rows.push({
      functionName: fn.functionName,
      handler: fn.handler,
      memorySettingMiB: FUNCTION_DEFAULTS.memoryMiB[fn.handler],
      bundleKiB: statSync(bundle).size / 1024,
      ...run,
    });
  }
  const results = { measuredAt: new Date().toISOString(), loadAverageAtStart, invocationsEach: invocations, rows };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    formatTable(
      [
        'function',
        'memory setting MiB',
        'max RSS MiB',
        'heap used MiB',
        'bundle KiB',
        'init ms',
        'ms/invocation',
        'failed',
      ],
      rows.map((r) => [
        r.functionName,
        String(r.memorySettingMiB),
        formatNumber(r.maxRssMiB, 0),
        formatNumber(r.heapUsedMiB, 0),
        formatNumber(r.bundleKiB, 0),
        formatNumber(r.initMs, 0),
        formatNumber(r.msPerInvocation, 1),
        `${r.failures}/${r.invocations}`,
      ]),
      { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] },
    ),
  );
  console.log(`\nresults: ${out}`);
} finally {
  await cell.stop();
  rmSync(work, { recursive: true, force: true });
}

/** The handler's bundle exactly as CellFunction builds it (cells/constructs/lambdaBundling.ts). */
async function bundleHandler(handler: HandlerName, dir: string): Promise<string> {
  const outfile = join(dir, 'index.mjs');
  await build(lambdaBuildOptions(ROOT, handler, outfile));
  return outfile;
}

/** Runs one bundle with the function's environment in a fresh `node` (no TypeScript loader). */
function runBundle(cell: RunningLocalCell, fn: RunningLocalCell['functions'][number], bundle: string) {
  const queueName = fn.eventSources[0]?.queueName;
  const queueArn = cell.resources.queues.find((q) => q.name === queueName)?.arn ?? '';
  const events = sampleInvocations(fn.handler, fn.handler === 'monitor' ? Math.min(20, invocations) : invocations, {
    cellId: cell.cell.id,
    account: cell.cell.account,
    region: cell.cell.region,
    apiKey: cell.apiKey,
    queueArn,
  });
  const eventsFile = join(dirname(bundle), 'events.json');
  writeFileSync(eventsFile, JSON.stringify(events));
  const env = {
    PATH: process.env.PATH ?? '',
    ...fn.environment,
    BUNDLE: bundle,
    EVENTS_FILE: eventsFile,
    FUNCTION_NAME: fn.functionName,
    FUNCTION_ARN: `arn:aws:lambda:${cell.cell.region}:${cell.cell.account}:function:${fn.functionName}`,
    MEMORY_MIB: String(FUNCTION_DEFAULTS.memoryMiB[fn.handler]),
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(FUNCTION_DEFAULTS.memoryMiB[fn.handler]),
  };
  return new Promise<BundleRun>((done, fail) => {
    const child = spawn(process.execPath, [HARNESS], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return fail(new Error(`${fn.functionName}: exited with ${code}: ${output.slice(-500)}`));
      done(JSON.parse(line) as BundleRun);
    });
  });
}
