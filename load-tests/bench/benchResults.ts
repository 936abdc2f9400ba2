import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import {
  ANALYTIC_FLOOR_PER_1000,
  ANALYTICS_STORES,
  type AnalyticsStore,
  estimateMonthlyCost,
  type RequestsPer1000,
  requestsPerEvent,
} from '../../ops/cost/index.ts';
import type { LoadResult } from '../loadGenerator.ts';
import { type BenchOptions, ROOT } from './benchOptions.ts';
import type { PhaseResult } from './loadPhase.ts';

/** The daily volume the cost per million events is priced at (the mission's 86 million/day). */
export const COST_EVENTS_PER_DAY = 86_000_000;

/** What the phases measured, before it is summarised. */
export interface BenchRun {
  readonly loadAverageAtStart: number;
  readonly options: BenchOptions;
  readonly ceiling: LoadResult;
  readonly batched: { readonly warmUp: PhaseResult; readonly sustained: PhaseResult; readonly burst: PhaseResult };
  readonly unbatched: { readonly burst: PhaseResult } | undefined;
  /** The burst against a cell without the idempotency check (`--no-idempotency-off` skips it). */
  readonly withoutIdempotency: { readonly burst: PhaseResult } | undefined;
}

/** The fields of the results JSON that the table reads. */
export type Results = {
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
    idempotencyRequestsPerEvent: number;
    costPerMillionEventsByStore: Record<AnalyticsStore, number>;
  };
  withoutIdempotency: { burst: PhaseResult } | null;
  networkErrors: number;
  lost: number;
  duplicates: number;
  unbatched: { burst: PhaseResult; costPerMillionEventsUsd: number; requestsPerEvent: number } | null;
  ceiling: { burst: LoadResult };
  floor: { requestsPer1000: RequestsPer1000; requestsPerEvent: number };
  ratios: {
    ingestVsBareHttp: number;
    endToEndBatchedVsUnbatched: number | null;
    requestsPerEventUnbatchedVsBatched: number | null;
  };
};

/** The results JSON (`--out`), which `bems cost` reads for its per-event request counts. */
export function benchResults({
  loadAverageAtStart,
  options,
  ceiling,
  batched,
  unbatched,
  withoutIdempotency,
}: BenchRun) {
  const sustained = batched.sustained;
  const allAnswered = (p: PhaseResult) => p.load.requests === (p.load.statusCounts['202'] ?? 0);
  const requestsSource = allAnswered(sustained)
    ? { label: 'sustained', phase: sustained }
    : { label: 'burst', phase: batched.burst };
  const phases = [
    batched.warmUp,
    sustained,
    batched.burst,
    ...(unbatched ? [unbatched.burst] : []),
    ...(withoutIdempotency ? [withoutIdempotency.burst] : []),
  ];
  return {
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
      ...requestFigures(requestsSource.phase),
      // DynamoDB is priced by `bems cost` from its own assumptions; this is what ingest made here.
      idempotencyRequestsPerEvent: (requestsSource.phase.requestsPer1000Local.dynamodb ?? 0) / 1000,
      costPerMillionEventsByStore: costByStore(requestsSource.phase.requestsPer1000),
    },
    withoutIdempotency: withoutIdempotency ? { burst: withoutIdempotency.burst } : null,
    networkErrors: ceiling.networkErrors + phases.reduce((n, p) => n + p.load.networkErrors, 0),
    unbatched: unbatched ? { burst: unbatched.burst, ...requestFigures(unbatched.burst) } : null,
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
    late: phases.reduce((n, p) => n + p.late, 0),
    lost: phases.reduce((n, p) => n + p.lost, 0),
    duplicates: phases.reduce((n, p) => n + p.duplicates, 0),
  };
}

/** A phase's AWS requests per 1,000 events, per event, and what they cost per million events. */
function requestFigures(phase: PhaseResult) {
  return {
    requestsPer1000: phase.requestsPer1000,
    requestsPerEvent: requestsPerEvent(phase.requestsPer1000),
    costPerMillionEventsUsd: estimateMonthlyCost({
      eventsPerDay: COST_EVENTS_PER_DAY,
      requestsPer1000: phase.requestsPer1000,
    }).perMillionEventsUsd,
  };
}

/** The cost per million events of a cell with each analytics store, from the same request counts. */
function costByStore(requestsPer1000: RequestsPer1000): Record<AnalyticsStore, number> {
  const entries = ANALYTICS_STORES.map((store) => [
    store,
    estimateMonthlyCost({ eventsPerDay: COST_EVENTS_PER_DAY, requestsPer1000, store }).perMillionEventsUsd,
  ]);
  return Object.fromEntries(entries) as Record<AnalyticsStore, number>;
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
