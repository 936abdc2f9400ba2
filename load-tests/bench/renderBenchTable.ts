import { METERED_SERVICES, type MeteredService } from '../../ops/cost/index.ts';
import { formatNumber, formatTable, formatUsd } from '../../ops/formatTable.ts';
import type { LoadResult } from '../loadGenerator.ts';
import { COST_EVENTS_PER_DAY, type Results } from './benchResults.ts';

const SERVICE_LABEL: Record<MeteredService, string> = {
  apiGateway: 'API Gateway',
  lambda: 'Lambda',
  eventBridge: 'EventBridge',
  sns: 'SNS',
  sqs: 'SQS',
  timestream: 'Timestream',
};

const HEADER = ['metric', 'local cell (batching on)', 'batching off', 'bare node:http'];
const DASH = '—';

const ms = (n: number) => (Number.isFinite(n) ? formatNumber(n, n < 10 ? 1 : 0) : 'n/a');
const perS = (n: number) => (Number.isFinite(n) ? formatNumber(n, 0) : 'n/a');
const notAccepted = (load: LoadResult) => load.requests - (load.statusCounts['202'] ?? 0);

/** The bench's one table: a row per figure, a column per setup (batching on, off, bare node:http). */
export function renderBenchTable(r: Results, format: 'text' | 'markdown' = 'text'): string {
  const rows = [...pipelineRows(r), ...burstRows(r), ...requestRows(r), ...ratioRows(r)];
  const title =
    `BEMS benchmark — commit ${r.commit}, ${r.measuredAt}, ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, ` +
    `load average ${r.machine.loadAverageAtStart.toFixed(1)} at start, ${r.machine.loadAverageAtEnd.toFixed(1)} at end`;
  if (format === 'markdown') {
    const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
    return [title, '', line(HEADER), `|---|${'---:|'.repeat(HEADER.length - 1)}`, ...rows.map(line)].join('\n');
  }
  return [title, '', formatTable(HEADER, rows, { align: ['left', 'right', 'right', 'right'] })].join('\n');
}

/** The sustained phase, and loss across all phases. */
function pipelineRows(r: Results): string[][] {
  const { sustained: s, burst: b, warmUp: w } = r.pipeline;
  const u = r.unbatched?.burst;
  return [
    [
      `sustained: accepted events/s (${r.options.durationS} s offered at ${r.options.rate}/s)`,
      perS(s.load.acceptedPerSecond),
      DASH,
      DASH,
    ],
    ['sustained: HTTP p50 / p99 ms', `${ms(s.load.httpMs.p50)} / ${ms(s.load.httpMs.p99)}`, DASH, DASH],
    [
      'sustained: visibility p50 / p99 ms (received → recorded)',
      `${ms(s.completeness.visibilityMs.p50)} / ${ms(s.completeness.visibilityMs.p99)}`,
      DASH,
      DASH,
    ],
    [
      `lost / duplicates / late (not visible within ${r.options.deadlineS} s), all phases`,
      `${w.lost + s.lost + b.lost} / ${w.duplicates + s.duplicates + b.duplicates} / ${w.late + s.late + b.late}`,
      u ? `${u.lost} / ${u.duplicates} / ${u.late}` : DASH,
      DASH,
    ],
    [
      'requests not answered 202 (sustained / burst)',
      `${notAccepted(s.load)} / ${notAccepted(b.load)}`,
      u ? String(notAccepted(u.load)) : DASH,
      String(notAccepted(r.ceiling.burst)),
    ],
  ];
}

/** The burst, in each of the three setups. */
function burstRows(r: Results): string[][] {
  const { sustained: s, burst: b } = r.pipeline;
  const u = r.unbatched?.burst;
  const ceiling = r.ceiling.burst;
  return [
    [
      `burst of ${r.options.burstEvents}: ingest events/s (202s)`,
      perS(b.load.acceptedPerSecond),
      u ? perS(u.load.acceptedPerSecond) : DASH,
      perS(ceiling.acceptedPerSecond),
    ],
    [
      `burst of ${r.options.burstEvents}: end-to-end events/s (until all recorded)`,
      perS(b.endToEndPerSecond),
      u ? perS(u.endToEndPerSecond) : DASH,
      DASH,
    ],
    [
      'cell CPU ms per event (sustained / burst)',
      `${formatNumber(s.cellCpuMsPerEvent, 2)} / ${formatNumber(b.cellCpuMsPerEvent, 2)}`,
      u ? formatNumber(u.cellCpuMsPerEvent, 2) : DASH,
      DASH,
    ],
    [
      `burst: HTTP p50 / p99 ms`,
      `${ms(b.load.httpMs.p50)} / ${ms(b.load.httpMs.p99)}`,
      u ? `${ms(u.load.httpMs.p50)} / ${ms(u.load.httpMs.p99)}` : DASH,
      `${ms(ceiling.httpMs.p50)} / ${ms(ceiling.httpMs.p99)}`,
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
    ]),
    [
      `AWS requests per event (floor ${formatNumber(r.floor.requestsPerEvent, 2)})`,
      formatNumber(r.pipeline.requestsPerEvent, 2),
      r.unbatched ? formatNumber(r.unbatched.requestsPerEvent, 2) : DASH,
      DASH,
    ],
    [
      `AWS cost per million events (estimate, eu-west-1, ${formatNumber(COST_EVENTS_PER_DAY / 1e6, 0)}M/day)`,
      formatUsd(r.pipeline.costPerMillionEventsUsd),
      r.unbatched ? formatUsd(r.unbatched.costPerMillionEventsUsd) : DASH,
      DASH,
    ],
  ];
}

/** Batching on against off, and ingest against the bare server. */
function ratioRows(r: Results): string[][] {
  const { endToEndBatchedVsUnbatched: endToEnd, requestsPerEventUnbatchedVsBatched: requests } = r.ratios;
  return [
    ['ratio: burst ingest vs bare node:http', `${formatNumber(r.ratios.ingestVsBareHttp * 100, 1)}%`, DASH, '100%'],
    [
      'ratio: end-to-end events/s, batching on vs off',
      endToEnd === null ? DASH : `${formatNumber(endToEnd, 2)}×`,
      endToEnd === null ? DASH : '1×',
      DASH,
    ],
    [
      'ratio: AWS requests per event, batching off vs on',
      requests === null ? DASH : '1×',
      requests === null ? DASH : `${formatNumber(requests, 2)}×`,
      DASH,
    ],
  ];
}
