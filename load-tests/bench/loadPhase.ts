import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type RunningLocalCell, startLocalCell } from '../../local/cell/LocalCell.ts';
import type { RequestsPer1000 } from '../../ops/cost/index.ts';
import { type AcceptedEvent, readAcceptedLog } from '../acceptedLog.ts';
import { awsRequestsPer1000 } from '../awsRequestsPer1000.ts';
import type { LoadOptions, LoadResult } from '../loadGenerator.ts';
import { type RecordSource, storeRecordSource } from '../recordSources.ts';
import { runLoadInChild } from '../runLoadInChild.ts';
import { type CompletenessReport, verifyCompleteness } from '../verifyCompleteness.ts';
import { type BenchOptions, log } from './benchOptions.ts';

export interface PhaseResult {
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
  /**
   * Peak resident memory (MiB) of the cell's process during the phase, sampled every 250 ms: its
   * main thread, emulator thread and SQLite helper threads (the cell has no child processes). The
   * bench runs the cell in its own process, so this includes the bench's bookkeeping of accepted ids.
   */
  readonly peakRssMiB: number;
}

/** The load of one phase; the cell, its key and the run's identity are filled in by `loadPhase`. */
export type PhaseLoad = Omit<LoadOptions, 'url' | 'apiKey' | 'runId' | 'acceptedFile'>;

/** How a phase's cell runs: with batching (else batch size 1), with the idempotency check (else none). */
export interface CellSetup {
  readonly batching: boolean;
  readonly idempotency: boolean;
  /** @default 'port' */
  readonly transport?: 'port' | 'http';
}

/** Runs `run` against a fresh local cell in a temp directory, then stops the cell and removes it. */
export async function withCell<T>(
  { batching, idempotency, transport = 'port' }: CellSetup,
  run: (cell: RunningLocalCell, workDir: string) => Promise<T>,
): Promise<T> {
  const workDir = mkdtempSync(join(tmpdir(), `bems-bench-${batching ? 'batched' : 'unbatched'}-`));
  const dataDir = join(workDir, 'data');
  const cell = await startLocalCell({ port: 0, dataDir, batching, idempotency, transport, quiet: true });
  try {
    return await run(cell, workDir);
  } finally {
    await cell.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

let phaseCounter = 0;

/**
 * One phase against a running cell: the load in a child process, then every accepted event waited
 * for (late within the deadline, lost after the drain), with the cell's CPU and AWS requests.
 */
export async function loadPhase(
  cell: RunningLocalCell,
  label: string,
  load: PhaseLoad,
  workDir: string,
  options: Pick<BenchOptions, 'deadlineS' | 'drainS'>,
): Promise<PhaseResult> {
  phaseCounter += 1;
  const runId = `b${process.pid}-${phaseCounter}`;
  const acceptedFile = join(workDir, `${runId}.jsonl`);
  const before = await cell.requestCountsByAction();
  const cpuBefore = process.cpuUsage();
  const eluBefore = performance.eventLoopUtilization();
  const memory = sampleRss();
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
  const source = storeRecordSource(cell.store, { invoicePrefix: `LT-${runId}-`, readModel: cell.readModel });
  const { completeness, lost, duplicates } = await awaitRecords(label, accepted, source, options);
  const peakRssMiB = memory.stop();
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
    peakRssMiB,
  };
}

/** Samples this process's resident set size every 250 ms; `stop()` returns the peak in MiB. */
function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 250);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / 2 ** 20;
    },
  };
}

interface AwaitedRecords {
  /** The check at the visibility deadline. */
  readonly completeness: CompletenessReport;
  readonly lost: number;
  readonly duplicates: number;
}

/** Waits for every accepted event until the deadline, then drains the late ones before calling them lost. */
async function awaitRecords(
  label: string,
  accepted: readonly AcceptedEvent[],
  source: RecordSource,
  options: Pick<BenchOptions, 'deadlineS' | 'drainS'>,
): Promise<AwaitedRecords> {
  let lastLog = 0;
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
  return { completeness, lost, duplicates };
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

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - (before[key] ?? 0)]));
}
