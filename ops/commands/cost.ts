import { awsCells, localCell } from '../../cells/cells.config.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import {
  ANALYTIC_FLOOR_PER_1000,
  ANALYTICS_STORES,
  type AnalyticsStore,
  type CostEstimate,
  CostModelError,
  DEFAULT_LAKEHOUSE_ASSUMPTIONS,
  estimateMonthlyCost,
  isAnalyticsStore,
  isPricedRegion,
  LATEST_RESULTS_PATH,
  loadRequestProfile,
  PRICE_TABLE,
  PRICED_REGIONS,
  type ProvisionedFunction,
  provisionedFunctionsOf,
  type RequestProfileSource,
} from '../cost/index.ts';
import { UsageError } from '../errors.ts';
import { formatNumber } from '../formatTable.ts';
import { booleanOptions, stringOptions } from '../optionTable.ts';
import { parseCommandArgs, printJson } from './args.ts';
import type { Command } from './Command.ts';
import { renderCostReport } from './costReport.ts';

/** The mission's daily volume (DESIGN §1). */
export const DEFAULT_EVENTS_PER_DAY = 86_000_000;

const STORE_CHOICES = [...ANALYTICS_STORES, 'both'] as const;

const USAGE = `Usage: bems cost [--store ${STORE_CHOICES.join('|')}] [--events-per-day N] [--region R] [--json]
                 [--floor | --results FILE] [--refreshes-per-day N] [--cell ID]

Estimates the monthly AWS cost of a cell, by service, and the cost per million events, for a cell
recording into Timestream, into the lakehouse (Firehose → Iceberg on S3 Tables, Athena), or both.

  --store S            ${STORE_CHOICES.join(', ')} (default both, side by side)
  --events-per-day N   daily events (default ${formatNumber(DEFAULT_EVENTS_PER_DAY, 0)}); accepts 86000000, 86_000_000, 86M, 1.2B
  --region R           price table Region: ${PRICED_REGIONS.join(', ')} (default eu-west-1)
  --json               print the estimates as JSON: { region, eventsPerDay, requestSource, stores: { <store>: … }, lines }
                       (--output csv: one row per billed line of each store)
  --floor              use the analytic floor of requests per event, not the benchmark's measurement
  --results FILE       benchmark results to read request counts from (default load-tests/results/latest.json)
  --refreshes-per-day N  lakehouse: dashboard refreshes a day, each running its Athena queries
                       (default ${DEFAULT_LAKEHOUSE_ASSUMPTIONS.dashboardRefreshesPerDay})
  --cell ID            price this cell of cells/cells.config.ts: its store and Region (unless --store or
                       --region say otherwise) and the provisioned concurrency of its function plan

Requests per event come from the last \`npm run bench\` when its results exist, else the analytic floor.
Prices are an ESTIMATE dated ${PRICE_TABLE.asOf} (${PRICE_TABLE.label}).`;

const SUFFIXES: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9 };

/** "86M" → 86000000; "86_000_000" → 86000000. */
export function parseCount(text: string, flag = '--events-per-day'): number {
  const match = /^(\d+(?:\.\d+)?)([kmb])?$/i.exec(text.replaceAll(/[_,]/g, ''));
  if (!match) throw new UsageError(`${flag}: "${text}" is not a number such as 86000000 or 86M`);
  const value = Number(match[1]) * (match[2] ? SUFFIXES[match[2].toLowerCase()]! : 1);
  if (!Number.isFinite(value)) throw new UsageError(`${flag}: "${text}" is too large`);
  return value;
}

/** The stores `--store` names, in output order. */
export function parseStores(text: string | undefined): AnalyticsStore[] {
  if (text === undefined || text === 'both') return [...ANALYTICS_STORES];
  if (isAnalyticsStore(text)) return [text];
  throw new UsageError(`--store: unknown store "${text}"; expected one of ${STORE_CHOICES.join(', ')}`);
}

function parseValues(args: readonly string[]) {
  // --region and --json are global options (globalOptions.ts); here --region picks the price table.
  return parseCommandArgs(args, {
    ...stringOptions('store', 'events-per-day', 'results', 'refreshes-per-day', 'cell'),
    ...booleanOptions('floor'),
  }).values;
}

export const command: Command = {
  usage: USAGE,
  async run(args, io) {
    const values = parseValues(args);
    const cell = values.cell === undefined ? undefined : cellNamed(values.cell);
    const stores = parseStores(values.store ?? cell?.analytics.store);
    const provisioned: ProvisionedFunction[] = cell ? provisionedFunctionsOf(cell) : [];
    const eventsPerDay =
      values['events-per-day'] === undefined ? DEFAULT_EVENTS_PER_DAY : parseCount(values['events-per-day']);
    const refreshes = values['refreshes-per-day'];
    const lakehouseAssumptions =
      refreshes === undefined ? {} : { dashboardRefreshesPerDay: parseCount(refreshes, '--refreshes-per-day') };
    const region = values.region ?? cell?.region ?? 'eu-west-1';
    if (!isPricedRegion(region)) {
      throw new UsageError(`--region: no prices for "${region}"; priced regions: ${PRICED_REGIONS.join(', ')}`);
    }
    if (values.floor && values.results) throw new UsageError('--floor and --results exclude each other');
    const source: RequestProfileSource = values.floor
      ? { kind: 'floor', requestsPer1000: ANALYTIC_FLOOR_PER_1000, description: 'analytic floor (forced by --floor)' }
      : loadRequestProfile(values.results ?? LATEST_RESULTS_PATH);
    let estimates: CostEstimate[];
    try {
      estimates = stores.map((store) =>
        estimateMonthlyCost({
          eventsPerDay,
          store,
          region,
          requestsPer1000: source.requestsPer1000,
          lakehouseAssumptions,
          provisioned,
        }),
      );
    } catch (error) {
      if (error instanceof CostModelError) throw new UsageError(error.message, { cause: error });
      throw error;
    }
    if (values.json) {
      printJson(
        io,
        {
          region,
          eventsPerDay,
          requestSource: source.kind,
          requestSourceDescription: source.description,
          stores: Object.fromEntries(estimates.map((e) => [e.store, e])),
          lines: estimates.flatMap((e) => e.lines.map((line) => ({ store: e.store, ...line }))),
        },
        { rowsOf: 'lines' },
      );
    } else io.out(renderCostReport(estimates, source));
    return 0;
  },
};

/** A cell of cells.config.ts by id (the AWS cells and the local one). */
function cellNamed(id: string): CellDefinition {
  const cells = [...awsCells(), localCell()];
  const cell = cells.find((c) => c.id === id);
  if (!cell) throw new UsageError(`--cell: no cell "${id}"; cells: ${cells.map((c) => c.id).join(', ')}`);
  return cell;
}
