import { parseArgs } from 'node:util';
import {
  ANALYTIC_FLOOR_PER_1000,
  type CostEstimate,
  CostModelError,
  estimateMonthlyCost,
  isPricedRegion,
  LATEST_RESULTS_PATH,
  loadRequestProfile,
  METERED_SERVICES,
  PRICE_TABLE,
  PRICED_REGIONS,
  type RequestProfileSource,
} from '../cost/index.ts';
import { UsageError } from '../errors.ts';
import { formatNumber, formatTable, formatUsd } from '../formatTable.ts';
import type { Command } from './Command.ts';

/** The mission's daily volume (DESIGN §1). */
export const DEFAULT_EVENTS_PER_DAY = 86_000_000;

const USAGE = `Usage: bems cost [--events-per-day N] [--region R] [--json] [--floor | --results FILE]

Estimates the monthly AWS cost of one cell, by service, and the cost per million events.

  --events-per-day N   daily events (default ${formatNumber(DEFAULT_EVENTS_PER_DAY, 0)}); accepts 86000000, 86_000_000, 86M, 1.2B
  --region R           price table Region: ${PRICED_REGIONS.join(', ')} (default eu-west-1)
  --json               print the estimate as JSON
  --floor              use the analytic floor of requests per event, not the benchmark's measurement
  --results FILE       benchmark results to read request counts from (default load-tests/results/latest.json)

Requests per event come from the last \`npm run bench\` when its results exist, else the analytic floor.
Prices are an ESTIMATE dated ${PRICE_TABLE.asOf} (${PRICE_TABLE.label}).`;

const SUFFIXES: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9 };

/** "86M" → 86000000; "86_000_000" → 86000000. */
export function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kmb])?$/i.exec(text.replaceAll(/[_,]/g, ''));
  if (!match) throw new UsageError(`--events-per-day: "${text}" is not a number such as 86000000 or 86M`);
  const value = Number(match[1]) * (match[2] ? SUFFIXES[match[2].toLowerCase()]! : 1);
  if (!Number.isFinite(value)) throw new UsageError(`--events-per-day: "${text}" is too large`);
  return value;
}

function render(estimate: CostEstimate, source: RequestProfileSource): string {
  const perMillion = (usd: number) => (estimate.eventsPerMonth > 0 ? (usd / estimate.eventsPerMonth) * 1e6 : 0);
  const lineRows = estimate.lines.map((line) => [
    line.service,
    `${line.item}${line.lowConfidence ? ' *' : ''}`,
    `${formatNumber(line.quantity)} × ${line.unit}`,
    formatUsd(line.monthlyUsd),
  ]);
  const serviceRows = Object.entries(estimate.byService).map(([service, usd]) => [
    service,
    formatUsd(usd),
    formatUsd(perMillion(usd)),
    `${formatNumber(estimate.monthlyUsd > 0 ? (usd / estimate.monthlyUsd) * 100 : 0, 1)}%`,
  ]);
  const requestRows = METERED_SERVICES.map((service) => [
    service,
    formatNumber(estimate.requestsPer1000[service], 1),
    formatNumber(ANALYTIC_FLOOR_PER_1000[service], 1),
  ]);
  const hasLowConfidence = estimate.lines.some((line) => line.lowConfidence);
  return [
    `BEMS cell cost estimate — ${estimate.region}, ${formatNumber(estimate.eventsPerDay, 0)} events/day ` +
      `(${formatNumber(estimate.eventsPerMonth / 1e6, 0)} million/month)`,
    `Prices: ${estimate.priceTable.label}; dated ${estimate.priceTable.asOf}.`,
    `Requests per event: ${source.description}.`,
    '',
    formatTable(['service', 'AWS requests / 1,000 events', 'analytic floor'], requestRows, {
      align: ['left', 'right', 'right'],
    }),
    '',
    formatTable(['service', 'item', 'billed quantity', 'USD / month'], lineRows, {
      align: ['left', 'left', 'right', 'right'],
    }),
    '',
    formatTable(['service', 'USD / month', 'USD / 1M events', 'share'], serviceRows, {
      align: ['left', 'right', 'right', 'right'],
    }),
    '',
    `Total: ${formatUsd(estimate.monthlyUsd)} per month, ${formatUsd(estimate.perMillionEventsUsd)} per million events.`,
    ...(hasLowConfidence ? ['* price recalled with low confidence; check it on the pricing page.'] : []),
    'Not included: free tiers, discounts, data transfer, QuickSight, Timestream queries, taxes.',
    `Sources: ${estimate.priceTable.sources.join(' ')}`,
  ].join('\n');
}

export const command: Command = {
  name: 'cost',
  summary: 'estimate the monthly AWS cost of one cell',
  usage: USAGE,
  async run(args, io) {
    let values: { 'events-per-day'?: string; region?: string; json?: boolean; floor?: boolean; results?: string };
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          'events-per-day': { type: 'string' },
          region: { type: 'string' },
          json: { type: 'boolean' },
          floor: { type: 'boolean' },
          results: { type: 'string' },
        },
        allowPositionals: false,
      }));
    } catch (error) {
      throw new UsageError((error as Error).message, { cause: error });
    }
    const eventsPerDay =
      values['events-per-day'] === undefined ? DEFAULT_EVENTS_PER_DAY : parseCount(values['events-per-day']);
    const region = values.region ?? 'eu-west-1';
    if (!isPricedRegion(region)) {
      throw new UsageError(`--region: no prices for "${region}"; priced regions: ${PRICED_REGIONS.join(', ')}`);
    }
    if (values.floor && values.results) throw new UsageError('--floor and --results exclude each other');
    const source: RequestProfileSource = values.floor
      ? { kind: 'floor', requestsPer1000: ANALYTIC_FLOOR_PER_1000, description: 'analytic floor (forced by --floor)' }
      : loadRequestProfile(values.results ?? LATEST_RESULTS_PATH);
    let estimate: CostEstimate;
    try {
      estimate = estimateMonthlyCost({ eventsPerDay, region, requestsPer1000: source.requestsPer1000 });
    } catch (error) {
      if (error instanceof CostModelError) throw new UsageError(error.message, { cause: error });
      throw error;
    }
    io.out(
      values.json
        ? JSON.stringify(
            { ...estimate, requestSource: source.kind, requestSourceDescription: source.description },
            null,
            2,
          )
        : render(estimate, source),
    );
    return 0;
  },
};
