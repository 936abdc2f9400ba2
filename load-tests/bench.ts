/**
 * `npm run bench`: the month-end benchmark of the local cell, in one repeatable run.
 *
 *   npm run bench                         # 60 s at 1,000 events/s, bursts of 20,000 events
 *   npm run bench -- --rate 2000          # aim higher
 *   npm run bench -- --quick              # 10 s at 500 events/s, bursts of 3,000 (a smoke check)
 *   npm run bench -- --duration 30 --rate 1500 --burst-events 10000 --out /tmp/bench.json
 *
 * Phases, each with the same load generator in a child process (keep-alive, batch POSTs of 10):
 *   1. ceiling   — a bare node:http server doing no work: a burst of N events as fast as possible.
 *   2. batched   — a local cell (temp data dir): warm-up, then `--rate` events/s for `--duration` s
 *                  (open loop), completeness verified; then the same burst of N events, timed until
 *                  the last one is recorded.
 *   3. unbatched — a second local cell with `batching: false`: the same burst.
 * It prints one table and writes the results as JSON (`--out`, default load-tests/results/latest.json),
 * which `bems cost` reads for its per-event request counts. Exit code 1 on any loss or duplicate.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type RunningLocalCell, startLocalCell } from '../local/cell/LocalCell.ts';
import {
  ANALYTIC_FLOOR_PER_1000,
  estimateMonthlyCost,
  METERED_SERVICES,
  type MeteredService,
  type RequestsPer1000,
  requestsPerEvent,
} from '../ops/cost/index.ts';
import { formatNumber, formatTable, formatUsd } from '../ops/formatTable.ts';
import { readAcceptedLog } from './acceptedLog.ts';
import { awsRequestsPer1000 } from './awsRequestsPer1000.ts';
import type { LoadOptions, LoadResult } from './loadGenerator.ts';
import { storeRecordSource } from './recordSources.ts';
import { runLoadInChild } from './runLoadInChild.ts';
import { startBareServer } from './startBareServer.ts';
import { type CompletenessReport, verifyCompleteness } from './verifyCompleteness.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = join(ROOT, 'load-tests/results/latest.json');
const COST_EVENTS_PER_DAY = 86_000_000;

interface BenchOptions {
  readonly durationS: number;
  readonly rate: number;
  readonly burstEvents: number;
  readonly batchSize: number;
  readonly concurrency: number;
  /** Visibility deadline: events not recorded by then are late (the promise is 2 minutes). */
  readonly deadlineS: number;
  /** Further wait for late events before calling them lost. */
  readonly drainS: number;
  readonly out: string;
  readonly unbatched: boolean;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      rate: { type: 'string' },
      'burst-events': { type: 'string' },
      batch: { type: 'string' },
      concurrency: { type: 'string' },
      'deadline-s': { type: 'string' },
      'drain-s': { type: 'string' },
      out: { type: 'string' },
      quick: { type: 'boolean' },
      'no-unbatched': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(
      'Usage: npm run bench -- [--duration S] [--rate EVENTS_PER_S] [--burst-events N] [--batch 1-10] ' +
        '[--concurrency N] [--deadline-s S] [--drain-s S] [--out FILE] [--quick] [--no-unbatched]',
    );
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const num = (name: string, text: string | undefined, fallback: number, min: number, max: number) => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`--${name} must be a number from ${min} to ${max}, got ${text}`);
    }
    return value;
  };
  const rate = num('rate', values.rate, quick ? 500 : 1000, 1, 100_000);
  return {
    durationS: num('duration', values.duration, quick ? 10 : 60, 1, 3600),
    rate,
    burstEvents: num('burst-events', values['burst-events'], quick ? 3000 : 20_000, 10, 1_000_000),
    batchSize: num('batch', values.batch, 10, 1, 10),
    concurrency: num('concurrency', values.concurrency, 32, 1, 1024),
    deadlineS: num('deadline-s', values['deadline-s'], 120, 10, 3600),
    drainS: num('drain-s', values['drain-s'], 600, 0, 7200),
    out: resolve(values.out ?? DEFAULT_OUT),
    unbatched: !values['no-unbatched'],
  };
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - (before[key] ?? 0)]));
}

interface RunTimes {
  readonly firstReceivedMs: number | null;
  readonly lastProcessedMs: number | null;
  readonly records: number;
}

function runTimes(cell: RunningLocalCell, runId: string): RunTimes {
  const prefix = `LT-${runId}-`;
  const [row] = cell.store.query<{ first: number | null; last: number | null; n: number }>(
    `SELECT min(received_at_ms) AS first, max(processed_at_ms) AS last, count(*) AS n FROM invoice_events
     WHERE invoice_id >= ? AND invoice_id < ? AND consumer = ?`,
    [prefix, `${prefix}\uffff`, cell.topology.stages[0]!.consumers[0]!.consumer],
  );
  return { firstReceivedMs: row?.first ?? null, lastProcessedMs: row?.last ?? null, records: row?.n ?? 0 };
}

interface PhaseResult {
  readonly load: LoadResult;
  /** The check at the visibility deadline (id lists truncated to 20). */
  readonly completeness: CompletenessReport;
  /** Accepted events not recorded within the visibility deadline. */
  readonly late: number;
  /** Accepted events still not recorded after the drain wait: lost. */
  readonly lost: number;
  readonly duplicates: number;
  /** Events that entered the pipeline: recorded ones, including any whose 202 the client timed out on. */
  readonly processed: number;
  /** Processed events per second from the first request until the last event was recorded. */
  readonly endToEndPerSecond: number;
  /**
   * CPU time of the cell's process (load generator excluded) per accepted event, from the first
   * request until the last record. Unlike events/s it barely moves when other processes compete
   * for the cores: 1 ms/event means one core can carry at most ~1,000 events/s.
   */
  readonly cellCpuMsPerEvent: number;
  /** Share of that time the cell's event loop was busy (1 = saturated). */
  readonly eventLoopUtilization: number;
  readonly requestsPer1000: RequestsPer1000;
  readonly requestsPer1000Local: Record<string, number>;
}

let phaseCounter = 0;

async function loadPhase(
  cell: RunningLocalCell,
  label: string,
  load: Omit<LoadOptions, 'url' | 'apiKey' | 'runId' | 'acceptedFile'>,
  workDir: string,
  options: Pick<BenchOptions, 'deadlineS' | 'drainS'>,
): Promise<PhaseResult> {
  phaseCounter += 1;
  const runId = `b${process.pid}-${phaseCounter}`;
  const acceptedFile = join(workDir, `${runId}.jsonl`);
  const before = await cell.requestCountsByAction();
  const cpuBefore = process.cpuUsage();
  const eluBefore = performance.eventLoopUtilization();
  log(
    `${label}: ${load.mode === 'rate' ? `${load.eventsPerSecond}/s for ${load.durationS} s` : `burst of ${load.totalEvents} events`}`,
  );
  const result = await runLoadInChild({ ...load, url: cell.apiUrl, apiKey: cell.apiKey, runId, acceptedFile });
  log(
    `${label}: ${result.eventsAccepted} accepted in ${result.elapsedS.toFixed(1)} s ` +
      `(${Math.round(result.acceptedPerSecond)}/s), HTTP p99 ${result.httpMs.p99.toFixed(1)} ms, statuses ${JSON.stringify(result.statusCounts)}` +
      (result.networkErrors ? `, network errors ${JSON.stringify(result.networkErrorKinds)}` : ''),
  );
  const accepted = readAcceptedLog(acceptedFile).events;
  let lastLog = 0;
  const source = storeRecordSource(cell.store, { invoicePrefix: `LT-${runId}-` });
  const progress = ({ recorded, missing, elapsedMs }: { recorded: number; missing: number; elapsedMs: number }) => {
    if (elapsedMs - lastLog < 10_000) return;
    lastLog = elapsedMs;
    log(`${label}: waiting for the pipeline: ${recorded} recorded, ${missing} to go`);
  };
  const completeness = await verifyCompleteness({
    accepted,
    source,
    deadlineMs: options.deadlineS * 1000,
    pollIntervalMs: 500,
    onProgress: progress,
  });
  let lost = completeness.missing.length;
  let duplicates = completeness.duplicates.length;
  if (lost > 0 && options.drainS > 0) {
    // Late is not lost: give the pipeline time to drain before deciding which events are gone.
    log(`${label}: ${lost} events not visible within ${options.deadlineS} s; draining up to ${options.drainS} s more`);
    const wanted = new Set(completeness.missing);
    lastLog = 0;
    const drained = await verifyCompleteness({
      accepted: accepted.filter((e) => wanted.has(e.eventId)),
      source,
      deadlineMs: options.drainS * 1000,
      pollIntervalMs: 1000,
      onProgress: progress,
    });
    lost = drained.missing.length;
    duplicates += drained.duplicates.length;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const elu = performance.eventLoopUtilization(eluBefore);
  const times = runTimes(cell, runId);
  const counts = diff(await cell.requestCountsByAction(), before);
  const consumers = cell.topology.stages[0]!.consumers.length;
  // Per event that entered the pipeline: a request the client gave up on (30 s, like API Gateway's
  // 29 s integration timeout) may still have been accepted by the cell and recorded.
  const processed = Math.max(times.records, completeness.accepted - lost);
  const { aws, local } = awsRequestsPer1000(counts, processed, consumers);
  const endToEndS = times.lastProcessedMs === null ? Number.NaN : (times.lastProcessedMs - result.startedAtMs) / 1000;
  log(
    `${label}: ${completeness.recorded}/${completeness.accepted} recorded within the deadline, ` +
      `${completeness.missing.length} late, ${lost} lost, ${duplicates} duplicates, visibility p99 ${completeness.visibilityMs.p99} ms`,
  );
  return {
    load: result,
    completeness: {
      ...completeness,
      missing: completeness.missing.slice(0, 20),
      duplicates: completeness.duplicates.slice(0, 20),
    },
    late: completeness.missing.length,
    lost,
    duplicates,
    processed,
    endToEndPerSecond: processed / endToEndS,
    cellCpuMsPerEvent: (cpu.user + cpu.system) / 1000 / Math.max(1, processed),
    eventLoopUtilization: elu.utilization,
    requestsPer1000: aws,
    requestsPer1000Local: local,
  };
}

async function withCell<T>(
  batching: boolean,
  run: (cell: RunningLocalCell, workDir: string) => Promise<T>,
): Promise<T> {
  const workDir = mkdtempSync(join(tmpdir(), `bems-bench-${batching ? 'batched' : 'unbatched'}-`));
  const cell = await startLocalCell({ port: 0, dataDir: join(workDir, 'data'), batching, quiet: true });
  try {
    return await run(cell, workDir);
  } finally {
    await cell.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function costPerMillion(profile: RequestsPer1000): number {
  return estimateMonthlyCost({ eventsPerDay: COST_EVENTS_PER_DAY, requestsPer1000: profile }).perMillionEventsUsd;
}

async function main(): Promise<number> {
  const loadAverageAtStart = loadavg()[0] ?? 0;
  const options = parseOptions(process.argv.slice(2));
  const burst = {
    mode: 'burst',
    totalEvents: options.burstEvents,
    concurrency: options.concurrency,
    batchSize: options.batchSize,
  } as const;

  log(`ceiling: bare node:http server, burst of ${options.burstEvents} events`);
  const bare = await startBareServer();
  const ceilingWork = mkdtempSync(join(tmpdir(), 'bems-bench-ceiling-'));
  let ceiling: LoadResult;
  try {
    ceiling = await runLoadInChild({ ...burst, url: bare.url, apiKey: 'none', runId: 'ceiling' });
  } finally {
    await bare.stop();
    rmSync(ceilingWork, { recursive: true, force: true });
  }
  log(`ceiling: ${Math.round(ceiling.acceptedPerSecond)} events/s`);

  const batched = await withCell(true, async (cell, workDir) => {
    const warmUp = await loadPhase(
      cell,
      'batched warm-up',
      {
        mode: 'rate',
        eventsPerSecond: Math.min(options.rate, 500),
        durationS: 3,
        concurrency: 64,
        batchSize: options.batchSize,
      },
      workDir,
      options,
    );
    const sustained = await loadPhase(
      cell,
      'batched sustained',
      {
        mode: 'rate',
        eventsPerSecond: options.rate,
        durationS: options.durationS,
        concurrency: 256,
        batchSize: options.batchSize,
      },
      workDir,
      options,
    );
    const burstPhase = await loadPhase(cell, 'batched burst', burst, workDir, options);
    return { warmUp, sustained, burst: burstPhase };
  });

  const unbatched = options.unbatched
    ? await withCell(false, async (cell, workDir) => ({
        burst: await loadPhase(cell, 'unbatched burst', burst, workDir, options),
      }))
    : undefined;

  const sustained = batched.sustained;
  const allAnswered = (p: PhaseResult) => p.load.requests === (p.load.statusCounts['202'] ?? 0);
  const requestsSource = allAnswered(sustained)
    ? { label: 'sustained', phase: sustained }
    : { label: 'burst', phase: batched.burst };
  const phases = [batched.warmUp, sustained, batched.burst, ...(unbatched ? [unbatched.burst] : [])];
  const lost = phases.reduce((n, p) => n + p.lost, 0);
  const duplicates = phases.reduce((n, p) => n + p.duplicates, 0);
  const late = phases.reduce((n, p) => n + p.late, 0);
  const results = {
    measuredAt: new Date().toISOString(),
    commit: `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '-dirty' : ''}`,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      /** 1-minute load averages: above the core count, other work competed with the run. */
      loadAverageAtStart,
      loadAverageAtEnd: loadavg()[0] ?? 0,
    },
    options,
    pipeline: {
      sustained,
      burst: batched.burst,
      warmUp: batched.warmUp,
      // The cost model's input: the phase in which every request was answered 202. Under overload
      // the sustained phase also counts requests whose clients timed out, which a healthy cell
      // does not make; the burst is the same traffic shape (batches of 10) without that noise.
      requestsSource: requestsSource.label,
      requestsPer1000: requestsSource.phase.requestsPer1000,
      requestsPerEvent: requestsPerEvent(requestsSource.phase.requestsPer1000),
      costPerMillionEventsUsd: costPerMillion(requestsSource.phase.requestsPer1000),
    },
    unbatched: unbatched
      ? {
          burst: unbatched.burst,
          requestsPer1000: unbatched.burst.requestsPer1000,
          requestsPerEvent: requestsPerEvent(unbatched.burst.requestsPer1000),
          costPerMillionEventsUsd: costPerMillion(unbatched.burst.requestsPer1000),
        }
      : null,
    ceiling: { burst: ceiling },
    floor: { requestsPer1000: ANALYTIC_FLOOR_PER_1000, requestsPerEvent: requestsPerEvent(ANALYTIC_FLOOR_PER_1000) },
    ratios: {
      ingestVsBareHttp: batched.burst.load.acceptedPerSecond / ceiling.acceptedPerSecond,
      endToEndBatchedVsUnbatched: unbatched
        ? batched.burst.endToEndPerSecond / unbatched.burst.endToEndPerSecond
        : null,
      requestsPerEventUnbatchedVsBatched: unbatched
        ? requestsPerEvent(unbatched.burst.requestsPer1000) / requestsPerEvent(batched.burst.requestsPer1000)
        : null,
    },
    late,
    lost,
    duplicates,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  // The same table as Markdown next to the JSON, for docs/PERFORMANCE.md.
  const markdownPath = `${options.out.replace(/\.json$/, '')}.md`;
  writeFileSync(markdownPath, `${renderTable(results, 'markdown')}\n`);
  console.log(renderTable(results));
  console.log(`\nresults: ${options.out} (table as Markdown: ${markdownPath})`);
  return lost === 0 && duplicates === 0 ? 0 : 1;
}

type Results = {
  commit: string;
  measuredAt: string;
  machine: { cpus: number; cpuModel: string; node: string; loadAverageAtStart: number; loadAverageAtEnd: number };
  options: BenchOptions;
  pipeline: {
    warmUp: PhaseResult;
    sustained: PhaseResult;
    burst: PhaseResult;
    costPerMillionEventsUsd: number;
    requestsPerEvent: number;
    requestsSource: string;
    requestsPer1000: RequestsPer1000;
  };
  unbatched: { burst: PhaseResult; costPerMillionEventsUsd: number; requestsPerEvent: number } | null;
  ceiling: { burst: LoadResult };
  floor: { requestsPer1000: RequestsPer1000; requestsPerEvent: number };
  ratios: {
    ingestVsBareHttp: number;
    endToEndBatchedVsUnbatched: number | null;
    requestsPerEventUnbatchedVsBatched: number | null;
  };
};

const SERVICE_LABEL: Record<MeteredService, string> = {
  apiGateway: 'API Gateway',
  lambda: 'Lambda',
  eventBridge: 'EventBridge',
  sns: 'SNS',
  sqs: 'SQS',
  timestream: 'Timestream',
};

export function renderTable(r: Results, format: 'text' | 'markdown' = 'text'): string {
  const s = r.pipeline.sustained;
  const b = r.pipeline.burst;
  const w = r.pipeline.warmUp;
  const u = r.unbatched?.burst;
  const ms = (n: number) => (Number.isFinite(n) ? formatNumber(n, n < 10 ? 1 : 0) : 'n/a');
  const perS = (n: number) => (Number.isFinite(n) ? formatNumber(n, 0) : 'n/a');
  const dash = '—';
  const notAccepted = (load: LoadResult) => load.requests - (load.statusCounts['202'] ?? 0);
  const rows: string[][] = [
    [
      `sustained: accepted events/s (${r.options.durationS} s offered at ${r.options.rate}/s)`,
      perS(s.load.acceptedPerSecond),
      dash,
      dash,
    ],
    ['sustained: HTTP p50 / p99 ms', `${ms(s.load.httpMs.p50)} / ${ms(s.load.httpMs.p99)}`, dash, dash],
    [
      'sustained: visibility p50 / p99 ms (received → recorded)',
      `${ms(s.completeness.visibilityMs.p50)} / ${ms(s.completeness.visibilityMs.p99)}`,
      dash,
      dash,
    ],
    [
      `lost / duplicates / late (not visible within ${r.options.deadlineS} s), all phases`,
      `${w.lost + s.lost + b.lost} / ${w.duplicates + s.duplicates + b.duplicates} / ${w.late + s.late + b.late}`,
      u ? `${u.lost} / ${u.duplicates} / ${u.late}` : dash,
      dash,
    ],
    [
      'requests not answered 202 (sustained / burst)',
      `${notAccepted(s.load)} / ${notAccepted(b.load)}`,
      u ? String(notAccepted(u.load)) : dash,
      String(notAccepted(r.ceiling.burst)),
    ],
    [
      `burst of ${r.options.burstEvents}: ingest events/s (202s)`,
      perS(b.load.acceptedPerSecond),
      u ? perS(u.load.acceptedPerSecond) : dash,
      perS(r.ceiling.burst.acceptedPerSecond),
    ],
    [
      `burst of ${r.options.burstEvents}: end-to-end events/s (until all recorded)`,
      perS(b.endToEndPerSecond),
      u ? perS(u.endToEndPerSecond) : dash,
      dash,
    ],
    [
      'cell CPU ms per event (sustained / burst)',
      `${formatNumber(s.cellCpuMsPerEvent, 2)} / ${formatNumber(b.cellCpuMsPerEvent, 2)}`,
      u ? formatNumber(u.cellCpuMsPerEvent, 2) : dash,
      dash,
    ],
    [
      `burst: HTTP p50 / p99 ms`,
      `${ms(b.load.httpMs.p50)} / ${ms(b.load.httpMs.p99)}`,
      u ? `${ms(u.load.httpMs.p50)} / ${ms(u.load.httpMs.p99)}` : dash,
      `${ms(r.ceiling.burst.httpMs.p50)} / ${ms(r.ceiling.burst.httpMs.p99)}`,
    ],
    ...METERED_SERVICES.map((service) => [
      `AWS requests / 1,000 events (${r.pipeline.requestsSource} phase): ${SERVICE_LABEL[service]} (floor ${formatNumber(r.floor.requestsPer1000[service], 0)})`,
      formatNumber(r.pipeline.requestsPer1000[service], 1),
      u ? formatNumber(u.requestsPer1000[service], 1) : dash,
      dash,
    ]),
    [
      `AWS requests per event (floor ${formatNumber(r.floor.requestsPerEvent, 2)})`,
      formatNumber(r.pipeline.requestsPerEvent, 2),
      r.unbatched ? formatNumber(r.unbatched.requestsPerEvent, 2) : dash,
      dash,
    ],
    [
      `AWS cost per million events (estimate, eu-west-1, ${formatNumber(COST_EVENTS_PER_DAY / 1e6, 0)}M/day)`,
      formatUsd(r.pipeline.costPerMillionEventsUsd),
      r.unbatched ? formatUsd(r.unbatched.costPerMillionEventsUsd) : dash,
      dash,
    ],
    ['ratio: burst ingest vs bare node:http', `${formatNumber(r.ratios.ingestVsBareHttp * 100, 1)}%`, dash, '100%'],
    [
      'ratio: end-to-end events/s, batching on vs off',
      r.ratios.endToEndBatchedVsUnbatched === null ? dash : `${formatNumber(r.ratios.endToEndBatchedVsUnbatched, 2)}×`,
      r.ratios.endToEndBatchedVsUnbatched === null ? dash : '1×',
      dash,
    ],
    [
      'ratio: AWS requests per event, batching off vs on',
      r.ratios.requestsPerEventUnbatchedVsBatched === null ? dash : '1×',
      r.ratios.requestsPerEventUnbatchedVsBatched === null
        ? dash
        : `${formatNumber(r.ratios.requestsPerEventUnbatchedVsBatched, 2)}×`,
      dash,
    ],
  ];
  const header = ['metric', 'local cell (batching on)', 'batching off', 'bare node:http'];
  const title =
    `BEMS benchmark — commit ${r.commit}, ${r.measuredAt}, ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, ` +
    `load average ${r.machine.loadAverageAtStart.toFixed(1)} at start, ${r.machine.loadAverageAtEnd.toFixed(1)} at end`;
  if (format === 'markdown') {
    const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
    return [title, '', line(header), `|---|${'---:|'.repeat(header.length - 1)}`, ...rows.map(line)].join('\n');
  }
  return [title, '', formatTable(header, rows, { align: ['left', 'right', 'right', 'right'] })].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => {
      process.exit(code);
    },
    (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(2);
    },
  );
}
