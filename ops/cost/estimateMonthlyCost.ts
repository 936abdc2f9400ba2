import {
  type CostAssumptions,
  DEFAULT_COST_ASSUMPTIONS,
  DEFAULT_LAKEHOUSE_ASSUMPTIONS,
  type LakehouseAssumptions,
} from './assumptions.ts';
import { addAccountLines, addPipelineLines } from './cellLines.ts';
import {
  type AnalyticsStore,
  COST_SERVICES,
  type CostLine,
  type CostService,
  isAnalyticsStore,
  type LineContext,
  lineCollector,
  STORE_SERVICES,
} from './costLines.ts';
import { addIdempotencyLines } from './idempotencyLines.ts';
import { IDEMPOTENCY_PRICE_TABLE } from './idempotencyPrices.ts';
import { addLakehouseLines } from './lakehouseLines.ts';
import { LAKEHOUSE_PRICE_TABLE } from './lakehousePrices.ts';
import { isPricedRegion, PRICE_TABLE, PRICED_REGIONS } from './prices.ts';
import { addProvisionedConcurrencyLines, type ProvisionedFunction } from './provisionedConcurrencyLines.ts';
import { ANALYTIC_FLOOR_PER_1000, type RequestsPer1000 } from './requestProfile.ts';
import { addTimestreamLines } from './timestreamLines.ts';

export {
  ANALYTICS_STORES,
  type AnalyticsStore,
  COST_SERVICES,
  type CostLine,
  type CostService,
  isAnalyticsStore,
  STORE_SERVICES,
} from './costLines.ts';

export interface PriceTableRef {
  readonly asOf: string;
  readonly label: string;
  readonly sources: readonly string[];
}

export interface CostEstimate {
  readonly store: AnalyticsStore;
  readonly region: string;
  readonly eventsPerDay: number;
  readonly eventsPerMonth: number;
  readonly requestsPer1000: RequestsPer1000;
  readonly lines: readonly CostLine[];
  /** The services of this store's cell, in output order (`byService` holds 0 for the others). */
  readonly services: readonly CostService[];
  readonly byService: Record<CostService, number>;
  readonly monthlyUsd: number;
  readonly perMillionEventsUsd: number;
  /** The pipeline's price table (prices.ts). */
  readonly priceTable: PriceTableRef;
  /** The idempotency store's price table (DynamoDB, idempotencyPrices.ts). */
  readonly idempotencyPriceTable: PriceTableRef;
  /** The store's own price table when it has one (lakehouse). */
  readonly storePriceTable?: PriceTableRef;
  readonly assumptions: CostAssumptions;
  readonly lakehouseAssumptions?: LakehouseAssumptions;
}

export interface EstimateInput {
  readonly eventsPerDay: number;
  /** @default 'timestream' (today's cell) */
  readonly store?: AnalyticsStore;
  /** @default 'eu-west-1' (the local cell's Region) */
  readonly region?: string;
  /** @default the analytic floor ({@link ANALYTIC_FLOOR_PER_1000}) */
  readonly requestsPer1000?: RequestsPer1000;
  readonly assumptions?: Partial<CostAssumptions>;
  readonly lakehouseAssumptions?: Partial<LakehouseAssumptions>;
  /** Functions with provisioned concurrency (`provisionedFunctionsOf(cell)`). @default none */
  readonly provisioned?: readonly ProvisionedFunction[];
}

export class CostModelError extends Error {
  override readonly name = 'CostModelError';
}

/**
 * Monthly AWS cost of one cell at `eventsPerDay`, by service and per million events, from the
 * per-event request counts and the dated price tables. The pipeline in front of the store is the
 * same for both stores; only the store's lines differ. Every figure is an estimate (see prices.ts).
 */
export function estimateMonthlyCost(input: EstimateInput): CostEstimate {
  const store = input.store ?? 'timestream';
  const region = input.region ?? 'eu-west-1';
  if (!isAnalyticsStore(store)) throw new CostModelError(`unknown analytics store "${store}"`);
  if (!isPricedRegion(region)) {
    throw new CostModelError(`no prices for region "${region}"; priced regions: ${PRICED_REGIONS.join(', ')}`);
  }
  if (!Number.isFinite(input.eventsPerDay) || input.eventsPerDay < 0) {
    throw new CostModelError(`eventsPerDay must be a non-negative number, got ${input.eventsPerDay}`);
  }
  const a: CostAssumptions = { ...DEFAULT_COST_ASSUMPTIONS, ...input.assumptions };
  const profile = input.requestsPer1000 ?? ANALYTIC_FLOOR_PER_1000;
  const events = input.eventsPerDay * a.daysPerMonth;
  const { lines, add } = lineCollector();
  const ctx: LineContext = {
    assumptions: a,
    profile,
    eventsPerDay: input.eventsPerDay,
    events,
    perEvent: (count) => (events * count) / 1000,
    add,
  };
  const prices = PRICE_TABLE.regions[region];
  const lakehouse = { ...DEFAULT_LAKEHOUSE_ASSUMPTIONS, ...input.lakehouseAssumptions };

  addPipelineLines(ctx, prices);
  addProvisionedConcurrencyLines(ctx, prices, input.provisioned ?? []);
  addIdempotencyLines(ctx, IDEMPOTENCY_PRICE_TABLE.regions[region]);
  if (store === 'timestream') addTimestreamLines(ctx, prices);
  else addLakehouseLines(ctx, LAKEHOUSE_PRICE_TABLE.regions[region], lakehouse);
  addAccountLines(ctx, prices);

  const byService = Object.fromEntries(COST_SERVICES.map((s) => [s, 0])) as Record<CostService, number>;
  for (const line of lines) byService[line.service] += line.monthlyUsd;
  const monthlyUsd = lines.reduce((sum, line) => sum + line.monthlyUsd, 0);
  return {
    store,
    region,
    eventsPerDay: input.eventsPerDay,
    eventsPerMonth: events,
    requestsPer1000: profile,
    lines,
    services: STORE_SERVICES[store],
    byService,
    monthlyUsd,
    perMillionEventsUsd: events > 0 ? (monthlyUsd / events) * 1_000_000 : 0,
    priceTable: { asOf: PRICE_TABLE.asOf, label: PRICE_TABLE.label, sources: PRICE_TABLE.sources },
    idempotencyPriceTable: {
      asOf: IDEMPOTENCY_PRICE_TABLE.asOf,
      label: IDEMPOTENCY_PRICE_TABLE.label,
      sources: IDEMPOTENCY_PRICE_TABLE.sources,
    },
    ...(store === 'lakehouse'
      ? {
          storePriceTable: {
            asOf: LAKEHOUSE_PRICE_TABLE.asOf,
            label: LAKEHOUSE_PRICE_TABLE.label,
            sources: LAKEHOUSE_PRICE_TABLE.sources,
          },
          lakehouseAssumptions: lakehouse,
        }
      : {}),
    assumptions: a,
  };
}
