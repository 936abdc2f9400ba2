import { ANALYTICS_STORES, METERED_SERVICES, type MeteredService } from '../../ops/cost/index.ts';
import { formatNumber, formatTable, formatUsd } from '../../ops/formatTable.ts';
import type { LoadResult } from '../loadGenerator.ts';
import { COST_EVENTS_PER_DAY, type Results } from './benchResults.ts';
import type { PhaseResult } from './loadPhase.ts';

const SERVICE_LABEL: Record<MeteredService, string> = {
  apiGateway: 'API Gateway',
  lambda: 'Lambda',
  eventBridge: 'EventBridge',
  sns: 'SNS',
  sqs: 'SQS',
  timestream: 'Timestream',
};

const HEADER = ['metric', 'local cell (batching on)', 'batching off', 'idempotency off', 'bare node:http'];
const DASH = '—';

const ms = (n: number) => (Number.isFinite(n) ? formatNumber(n, n < 10 ? 1 : 0) : 'n/a');
const perS = (n: number) => (Number.isFinite(n) ? formatNumber(n, 0) : 'n/a');
const notAccepted = (load: LoadResult) => load.requests - (load.statusCounts['202'] ?? 0);
const mib = (n: number) => formatNumber(n, 0);

/** The bench's one table: a row per figure, a column per setup (batching on, off, bare node:http). */
export function renderBenchTable(r: Results, format: 'text' | 'markdown' = 'text'): string {
  const rows = [...pipelineRows(r), ...burstRows(r), ...memoryRows(r), ...requestRows(r), ...ratioRows(r)];
  const title =
    `BEMS benchmark — commit ${r.commit}, ${r.measuredAt}, ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, ` +
    `load average ${r.machine.loadAverageAtStart.toFixed(1)} at start, ${r.machine.loadAverageAtEnd.toFixed(1)} at end`;
  if (format === 'markdown') {
    const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
    return [title, '', line(HEADER), `|---|${'---:|'.repeat(HEADER.length - 1)}`, ...rows.map(line)].join('\n');
  }
  return [title, '', formatTable(HEADER, rows, { align: ['left', 'right', 'right', 'right', 'right'] })].join('\n');
}

/** The sustained phase, and loss across all phases. */
function pipelineRows(r: Results): string[][] {
  const { sustained: s, burst: b, warmUp: w } = r.pipeline;
  const u = r.unbatched?.burst;
  const i = r.withoutIdempotency?.burst;
  const each = (f: (p: PhaseResult) => string) => [u ? f(u) : DASH, i ? f(i) : DASH];
  const lossOf = (p: PhaseResult) => `${p.lost} / ${p.duplicates} / ${p.late}`;
  const status503 = (load: LoadResult) => load.statusCounts['503'] ?? 0;
  return [
    [
      `sustained: accepted events/s (${r.options.durationS} s offered at ${r.options.rate}/s)`,
      perS(s.load.acceptedPerSecond),
      DASH,
      DASH,
      DASH,
    ],
    ['sustained: HTTP p50 / p99 ms', `${ms(s.load.httpMs.p50)} / ${ms(s.load.httpMs.p99)}`, DASH, DASH, DASH],
    [
      'sustained: visibility p50 / p99 ms (received → recorded)',
      `${ms(s.completeness.visibilityMs.p50)} / ${ms(s.completeness.visibilityMs.p99)}`,
      DASH,
      DASH,
      DASH,
    ],
    [
      `lost / duplicates / late (not visible within ${r.options.deadlineS} s), all phases`,
      `${w.lost + s.lost + b.lost} / ${w.duplicates + s.duplicates + b.duplicates} / ${w.late + s.late + b.late}`,
      ...each(lossOf),
      DASH,
    ],
    [
      'network errors (resets, timeouts: no answer), all phases',
      String(w.load.networkErrors + s.load.networkErrors + b.load.networkErrors),
      ...each((p) => String(p.load.networkErrors)),
      String(r.ceiling.burst.networkErrors),
    ],
    [
      'requests not answered 202 (sustained / burst)',
      `${notAccepted(s.load)} / ${notAccepted(b.load)}`,
      ...each((p) => String(notAccepted(p.load))),
      String(notAccepted(r.ceiling.burst)),
    ],
    [
      '… of them shed with 503 OVERLOADED (sustained / burst)',
      `${status503(s.load)} / ${status503(b.load)}`,
      ...each((p) => String(status503(p.load))),
      DASH,
    ],
  ];
}

/** The burst, in each of the three setups. */
function burstRows(r: Results): string[][] {
  const { sustained: s, burst: b } = r.pipeline;
  const u = r.unbatched?.burst;
  const i = r.withoutIdempotency?.burst;
  const each = (f: (p: PhaseResult) => string) => [u ? f(u) : DASH, i ? f(i) : DASH];
  const ceiling = r.ceiling.burst;
  const http = (load: LoadResult) => `${ms(load.httpMs.p50)} / ${ms(load.httpMs.p99)}`;
  return [
    [
      `burst of ${r.options.burstEvents}: ingest events/s (202s)`,
      perS(b.load.acceptedPerSecond),
      ...each((p) => perS(p.load.acceptedPerSecond)),
      perS(ceiling.acceptedPerSecond),
    ],
    [
      `burst of ${r.options.burstEvents}: end-to-end events/s (until all recorded)`,
      perS(b.endToEndPerSecond),
      ...each((p) => perS(p.endToEndPerSecond)),
      DASH,
    ],
    [
      'cell CPU ms per event (sustained / burst)',
      `${formatNumber(s.cellCpuMsPerEvent, 2)} / ${formatNumber(b.cellCpuMsPerEvent, 2)}`,
      ...each((p) => formatNumber(p.cellCpuMsPerEvent, 2)),
      DASH,
    ],
    ['burst: HTTP p50 / p99 ms', http(b.load), ...each((p) => http(p.load)), http(ceiling)],
  ];
}

/** Peak resident memory of the cell's process (all its threads) at each rate. */
function memoryRows(r: Results): string[][] {
  const { sustained: s, burst: b } = r.pipeline;
  const u = r.unbatched?.burst;
  const i = r.withoutIdempotency?.burst;
  return [
    [
      `peak resident memory MiB (sustained at ${r.options.rate}/s / burst)`,
      `${mib(s.peakRssMiB)} / ${mib(b.peakRssMiB)}`,
      u ? mib(u.peakRssMiB) : DASH,
      i ? mib(i.peakRssMiB) : DASH,
      DASH,
    ],
  ];
}

/** AWS requests per service and per event, and what they cost. */
function requestRows(r: Results): string[][] {
  const u = r.unbatched?.burst;
  return [
    ...METERED_SERVICES.map((service) => [
      `AWS requests / 1,000 events (${r.pipeline.requestsSource} phase): ${SERVICE_LABEL[service]} (floor ${formatNumber(r.floor.requestsPer1000[service], 0)})`,
      formatNumber(r.pipeline.requestsPer1000[service], 1),
      u ? formatNumber(u.requestsPer1000[service], 1) : DASH,
      DASH,
      DASH,
    ]),
    [
      `AWS requests per event (floor ${formatNumber(r.floor.requestsPerEvent, 2)}; target ≤ 3.2)`,
      formatNumber(r.pipeline.requestsPerEvent, 2),
      r.unbatched ? formatNumber(r.unbatched.requestsPerEvent, 2) : DASH,
      DASH,
      DASH,
    ],
    [
      'idempotency store (DynamoDB) calls per event, local cell: concurrent requests share calls (on AWS: 2 per request); not in the line above',
      formatNumber(r.pipeline.idempotencyRequestsPerEvent, 2),
      DASH,
      r.withoutIdempotency ? '0' : DASH,
      DASH,
    ],
    ...ANALYTICS_STORES.map((store) => [
      `AWS cost per million events, ${store} cell (estimate, eu-west-1, ${formatNumber(COST_EVENTS_PER_DAY / 1e6, 0)}M/day, with idempotency)`,
      formatUsd(r.pipeline.costPerMillionEventsByStore[store]),
      store === 'timestream' && r.unbatched ? formatUsd(r.unbatched.costPerMillionEventsUsd) : DASH,
      DASH,
      DASH,
    ]),
  ];
}

/** Batching on against off, and ingest against the bare server. */
function ratioRows(r: Results): string[][] {
  const { endToEndBatchedVsUnbatched: endToEnd, requestsPerEventUnbatchedVsBatched: requests } = r.ratios;
  const idem = r.withoutIdempotency?.burst;
  const ingestRatio = idem ? r.pipeline.burst.load.acceptedPerSecond / idem.load.acceptedPerSecond : null;
  return [
    [
      'ratio: burst ingest vs bare node:http',
      `${formatNumber(r.ratios.ingestVsBareHttp * 100, 1)}%`,
      DASH,
      DASH,
      '100%',
    ],
    [
      'ratio: end-to-end events/s, batching on vs off',
      endToEnd === null ? DASH : `${formatNumber(endToEnd, 2)}×`,
      endToEnd === null ? DASH : '1×',
      DASH,
      DASH,
    ],
    [
      'ratio: AWS requests per event, batching off vs on',
      requests === null ? DASH : '1×',
      requests === null ? DASH : `${formatNumber(requests, 2)}×`,
      DASH,
      DASH,
    ],
    [
      'ratio: burst ingest events/s, idempotency on vs off',
      ingestRatio === null ? DASH : `${formatNumber(ingestRatio, 2)}×`,
      DASH,
      ingestRatio === null ? DASH : '1×',
      DASH,
    ],
  ];
}
