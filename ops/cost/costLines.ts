import type { CostAssumptions } from './assumptions.ts';
import { type PriceEntry, tieredCost } from './prices.ts';
import type { RequestsPer1000 } from './requestProfile.ts';

/** The analytics stores a cell can record into (cell definition `analytics.store`). */
export const ANALYTICS_STORES = ['timestream', 'lakehouse'] as const;
export type AnalyticsStore = (typeof ANALYTICS_STORES)[number];

export function isAnalyticsStore(value: string): value is AnalyticsStore {
  return (ANALYTICS_STORES as readonly string[]).includes(value);
}

/** Every service either store's cell is billed by, in the order the output lists them. */
export const COST_SERVICES = [
  'apiGateway',
  'lambda',
  'eventBridge',
  'dynamoDb',
  'sns',
  'sqs',
  'timestream',
  'firehose',
  's3Tables',
  'athena',
  'kms',
  'cloudWatchLogs',
] as const;
export type CostService = (typeof COST_SERVICES)[number];

/** The services of each store's cell: the shared pipeline plus the store's own. */
export const STORE_SERVICES: Record<AnalyticsStore, readonly CostService[]> = {
  timestream: COST_SERVICES.filter((s) => !['firehose', 's3Tables', 'athena'].includes(s)),
  lakehouse: COST_SERVICES.filter((s) => s !== 'timestream'),
};

/** One priced quantity, e.g. "SQS FIFO requests: 3.1 billion × $0.50/1M". */
export interface CostLine {
  readonly service: CostService;
  readonly item: string;
  /** Billed units this month, in the price entry's unit (millions for "1M …" units). */
  readonly quantity: number;
  readonly unit: string;
  readonly monthlyUsd: number;
  /** Set when the price entry is one the table marks as uncertain. */
  readonly lowConfidence?: boolean;
}

/** What every group of lines is computed from, and where it puts them. */
export interface LineContext {
  readonly assumptions: CostAssumptions;
  readonly profile: RequestsPer1000;
  readonly eventsPerDay: number;
  /** Events this month. */
  readonly events: number;
  /** Monthly count of something the profile gives per 1,000 events. */
  perEvent(countPer1000: number): number;
  add(service: CostService, item: string, entry: PriceEntry, quantity: number): void;
}

export const KB = 1024;
export const MB = 1024 ** 2;
export const GB = 1024 ** 3;
export const TB = 1024 ** 4;
export const millions = (n: number): number => n / 1_000_000;
export const thousands = (n: number): number => n / 1_000;

export function lineCollector(): { lines: CostLine[]; add: LineContext['add'] } {
  const lines: CostLine[] = [];
  const add: LineContext['add'] = (service, item, entry, quantity) => {
    lines.push({
      service,
      item,
      quantity,
      unit: entry.unit,
      monthlyUsd: tieredCost(entry, quantity),
      ...(entry.confidence === 'low' ? { lowConfidence: true } : {}),
    });
  };
  return { lines, add };
}
