import { formatNumber, formatTable } from '../../ops/formatTable.ts';
import type { Results } from './benchResults.ts';

/** Issue 20's targets for the local cell on the 2-core machine, each with what this run measured. */
export const BENCH_TARGETS = {
  sustainedEventsPerSecond: 2000,
  sustainedDurationS: 60,
  visibilityP99Ms: 1000,
  burstEndToEndPerSecond: 3000,
  ingestShareOfBareHttp: 0.25,
  requestsPerEvent: 3.2,
} as const;

type Verdict = 'met' | 'NOT met' | 'not measured';

/** One row per target: what it asks, what this run measured, and whether that meets it. */
export function benchTargetRows(r: Results): [string, string, Verdict][] {
  const t = BENCH_TARGETS;
  const s = r.pipeline.sustained;
  const b = r.pipeline.burst;
  const atTargetRate = r.options.rate >= t.sustainedEventsPerSecond && r.options.durationS >= t.sustainedDurationS;
  const verdict = (ok: boolean, measured = true): Verdict => (!measured ? 'not measured' : ok ? 'met' : 'NOT met');
  const lost = r.lost + r.duplicates;
  return [
    ['no network errors, any phase', `${r.networkErrors} network errors`, verdict(r.networkErrors === 0)],
    [
      `sustained ${t.sustainedEventsPerSecond}/s for ${t.sustainedDurationS} s, p99 visibility ≤ ${t.visibilityP99Ms} ms`,
      `${formatNumber(s.load.acceptedPerSecond, 0)}/s accepted of ${r.options.rate}/s offered for ${r.options.durationS} s, ` +
        `p99 ${formatNumber(s.completeness.visibilityMs.p99, 0)} ms`,
      verdict(
        s.load.eventsAccepted === s.load.eventsSent && s.completeness.visibilityMs.p99 <= t.visibilityP99Ms,
        atTargetRate,
      ),
    ],
    ['zero loss, zero duplicates', `${r.lost} lost, ${r.duplicates} duplicates`, verdict(lost === 0)],
    [
      `burst end to end ≥ ${t.burstEndToEndPerSecond}/s`,
      `${formatNumber(b.endToEndPerSecond, 0)}/s`,
      verdict(b.endToEndPerSecond >= t.burstEndToEndPerSecond),
    ],
    [
      `burst ingest ≥ ${t.ingestShareOfBareHttp * 100}% of bare node:http`,
      `${formatNumber(r.ratios.ingestVsBareHttp * 100, 1)}%`,
      verdict(r.ratios.ingestVsBareHttp >= t.ingestShareOfBareHttp),
    ],
    [
      `AWS requests per event ≤ ${t.requestsPerEvent}`,
      formatNumber(r.pipeline.requestsPerEvent, 2),
      verdict(r.pipeline.requestsPerEvent <= t.requestsPerEvent),
    ],
  ];
}

export function renderBenchTargets(r: Results, format: 'text' | 'markdown' = 'text'): string {
  const header = ['target (issue 20)', 'measured', 'verdict'];
  const rows = benchTargetRows(r);
  if (format === 'markdown') {
    const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
    return [line(header), '|---|---|---|', ...rows.map(line)].join('\n');
  }
  return formatTable(header, rows);
}
