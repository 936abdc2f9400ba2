import {
  ANALYTIC_FLOOR_PER_1000,
  COST_SERVICES,
  type CostEstimate,
  type CostService,
  METERED_SERVICES,
  type RequestProfileSource,
  STORE_SERVICES,
} from '../cost/index.ts';
import { formatNumber, formatTable, formatUsd } from '../formatTable.ts';

/** What each store's estimate leaves out (they depend on the account or are priced elsewhere). */
const NOT_INCLUDED: Record<CostEstimate['store'], string> = {
  timestream: 'Not included: free tiers, discounts, data transfer, QuickSight, Timestream queries, taxes.',
  lakehouse:
    'Not included: free tiers, discounts, data transfer, QuickSight (seats, SPICE), Glue Data Catalog requests ' +
    '(inside its free million at this query rate), Athena result storage, taxes.',
};

function perMillion(estimate: CostEstimate, usd: number): number {
  return estimate.eventsPerMonth > 0 ? (usd / estimate.eventsPerMonth) * 1e6 : 0;
}

function header(estimates: readonly CostEstimate[], source: RequestProfileSource): string[] {
  const first = estimates[0]!;
  const store = estimates.find((e) => e.storePriceTable)?.storePriceTable;
  return [
    `BEMS cell cost estimate — ${first.region}, ${formatNumber(first.eventsPerDay, 0)} events/day ` +
      `(${formatNumber(first.eventsPerMonth / 1e6, 0)} million/month)`,
    `Prices: ${first.priceTable.label}; dated ${first.priceTable.asOf}.`,
    ...(store ? [`Lakehouse store prices: ${store.label}; dated ${store.asOf}.`] : []),
    `Idempotency store (DynamoDB on demand) prices: dated ${first.idempotencyPriceTable.asOf}.`,
    `Requests per event: ${source.description}.`,
    '',
    formatTable(
      ['service', 'AWS requests / 1,000 events', 'analytic floor'],
      METERED_SERVICES.map((service) => [
        service,
        formatNumber(first.requestsPer1000[service], 1),
        formatNumber(ANALYTIC_FLOOR_PER_1000[service], 1),
      ]),
      { align: ['left', 'right', 'right'] },
    ),
  ];
}

function lineTable(estimate: CostEstimate): string {
  const rows = estimate.lines.map((line) => [
    line.service,
    `${line.item}${line.lowConfidence ? ' *' : ''}`,
    `${formatNumber(line.quantity)} × ${line.unit}`,
    formatUsd(line.monthlyUsd),
  ]);
  return formatTable(['service', 'item', 'billed quantity', 'USD / month'], rows, {
    align: ['left', 'left', 'right', 'right'],
  });
}

function serviceTable(estimate: CostEstimate): string {
  const rows = estimate.services.map((service) => {
    const usd = estimate.byService[service];
    return [
      service,
      formatUsd(usd),
      formatUsd(perMillion(estimate, usd)),
      `${formatNumber(estimate.monthlyUsd > 0 ? (usd / estimate.monthlyUsd) * 100 : 0, 1)}%`,
    ];
  });
  return formatTable(['service', 'USD / month', 'USD / 1M events', 'share'], rows, {
    align: ['left', 'right', 'right', 'right'],
  });
}

/** One row per service of either cell; a dash where a cell does not use the service. */
function sideBySideTable(estimates: readonly CostEstimate[]): string {
  const used = new Set<CostService>(estimates.flatMap((e) => e.services));
  const services = COST_SERVICES.filter((service) => used.has(service));
  const cells = (estimate: CostEstimate, usd: number | undefined) =>
    usd === undefined ? ['—', '—'] : [formatUsd(usd), formatUsd(perMillion(estimate, usd))];
  const rows = services.map((service) => [
    service,
    ...estimates.flatMap((e) => cells(e, e.services.includes(service) ? e.byService[service] : undefined)),
  ]);
  rows.push(['total', ...estimates.flatMap((e) => cells(e, e.monthlyUsd))]);
  const head = ['service', ...estimates.flatMap((e) => [`${e.store} USD / month`, `${e.store} USD / 1M events`])];
  return formatTable(head, rows, { align: ['left', ...estimates.flatMap(() => ['right', 'right'] as const)] });
}

function totalLine(estimate: CostEstimate, withStore: boolean): string {
  return (
    `Total: ${formatUsd(estimate.monthlyUsd)} per month, ${formatUsd(estimate.perMillionEventsUsd)} per million events` +
    `${withStore ? ` (${estimate.store})` : ''}.`
  );
}

function lakehouseNotes(estimates: readonly CostEstimate[]): string[] {
  const l = estimates.find((e) => e.lakehouseAssumptions)?.lakehouseAssumptions;
  if (!l) return [];
  return [
    `Lakehouse: ${l.recordBytes} B per record (the JSON line of the consumer's record), ` +
      `${l.parquetCompressionRatio}:1 in Parquet; Firehose flushes every ${l.bufferIntervalSeconds} s; ` +
      `Athena: ${l.dashboardRefreshesPerDay} dashboard refreshes a day × ${l.queriesPerRefresh} queries over ` +
      `${l.daysScannedPerQuery} daily partitions (ops/cost/assumptions.ts; --refreshes-per-day N to vary).`,
  ];
}

function footer(estimates: readonly CostEstimate[]): string[] {
  const hasLowConfidence = estimates.some((e) => e.lines.some((line) => line.lowConfidence));
  const sources = [
    ...new Set(
      estimates.flatMap((e) => [
        ...e.priceTable.sources,
        ...e.idempotencyPriceTable.sources,
        ...(e.storePriceTable?.sources ?? []),
      ]),
    ),
  ];
  return [
    ...(hasLowConfidence ? ['* price recalled with low confidence; check it on the pricing page.'] : []),
    ...estimates.map((e) => (estimates.length > 1 ? `${e.store}: ${NOT_INCLUDED[e.store]}` : NOT_INCLUDED[e.store])),
    `Sources: ${sources.join(' ')}`,
  ];
}

/** The report of one cell, or of both side by side (same volume, Region and request profile). */
export function renderCostReport(estimates: readonly CostEstimate[], source: RequestProfileSource): string {
  const both = estimates.length > 1;
  const sections = estimates.flatMap((e) => [
    '',
    ...(both ? [`${e.store} cell (${STORE_SERVICES[e.store].length} services):`] : []),
    lineTable(e),
  ]);
  return [
    ...header(estimates, source),
    ...sections,
    '',
    ...(both ? [sideBySideTable(estimates)] : [serviceTable(estimates[0]!)]),
    '',
    ...estimates.map((e) => totalLine(e, both)),
    ...lakehouseNotes(estimates),
    ...footer(estimates),
  ].join('\n');
}
