/**
 * Public on-demand AWS prices that a BEMS cell is billed by, per Region, in USD.
 *
 * THIS IS AN ESTIMATE. The figures are AWS's published list prices as the author knew them
 * (last checked against the pages below in 2025). They were written down on {@link PRICE_TABLE}.asOf
 * without network access, so they could not be re-checked that day: verify them on the pricing
 * pages before using a number for a budget. Free tiers, Savings Plans, enterprise discounts, data
 * transfer, taxes and QuickSight are left out on purpose: they depend on the account, not the cell.
 *
 * Entries the author is least sure of carry `confidence: 'low'`; `bems cost` prints them.
 */

/** A graduated price: `upTo` is the cumulative monthly usage where the tier ends (units of the price). */
export interface PriceTier {
  /** Cumulative monthly usage at which this tier ends; `null` = no end. */
  readonly upTo: number | null;
  readonly price: number;
}

export interface PriceEntry {
  /** What one unit is, e.g. "1M requests", "GB-second". */
  readonly unit: string;
  /** Tiers in ascending order; a flat price is one tier with `upTo: null`. */
  readonly tiers: readonly PriceTier[];
  readonly confidence?: 'low';
  readonly note?: string;
}

export interface RegionPrices {
  /** API Gateway REST API requests (tiered per account and Region). */
  readonly apiGatewayRestPerMillion: PriceEntry;
  readonly lambdaRequestsPerMillion: PriceEntry;
  /** Lambda duration on Arm (Graviton), tiered by monthly GB-seconds. */
  readonly lambdaArmGbSecond: PriceEntry;
  /** Lambda provisioned concurrency on Arm: GB-seconds of configured instances, billed whether used or not. */
  readonly lambdaArmProvisionedGbSecond: PriceEntry;
  /** EventBridge custom events published; each 64 KB chunk of an entry is one event. */
  readonly eventBridgeCustomEventsPerMillion: PriceEntry;
  readonly eventBridgeArchiveProcessingPerGb: PriceEntry;
  readonly eventBridgeArchiveStoragePerGbMonth: PriceEntry;
  readonly eventBridgeReplayPerMillion: PriceEntry;
  /** SNS FIFO Publish/PublishBatch requests; each 64 KB chunk of a request is one request. */
  readonly snsFifoPublishPerMillion: PriceEntry;
  readonly snsFifoPublishPayloadPerGb: PriceEntry;
  /** SNS FIFO subscription messages (one per message per subscribed queue). */
  readonly snsFifoDeliveriesPerMillion: PriceEntry;
  readonly snsFifoDeliveryPayloadPerGb: PriceEntry;
  /** SQS requests; each 64 KB chunk of a request (a batch of up to 10) is one request. */
  readonly sqsStandardPerMillion: PriceEntry;
  readonly sqsFifoPerMillion: PriceEntry;
  /** Timestream for LiveAnalytics writes, metered in 1 KB units per record. */
  readonly timestreamWritesPerMillion: PriceEntry;
  readonly timestreamMemoryStorePerGbHour: PriceEntry;
  readonly timestreamMagneticStorePerGbMonth: PriceEntry;
  readonly kmsRequestsPerMillion: PriceEntry;
  readonly cloudWatchLogsIngestionPerGb: PriceEntry;
  readonly cloudWatchLogsStoragePerGbMonth: PriceEntry;
}

/** How sure the author is of an entry, and why. */
export type PriceRemark = Pick<PriceEntry, 'confidence' | 'note'>;

/** A price table of `bems cost`: dated, sourced, one set of prices `R` per Region. */
export interface PriceTable<R> {
  /** The day the table was written down. */
  readonly asOf: string;
  /** When the author last saw the figures on the pricing pages, where that is not `asOf`. */
  readonly figuresLastSeen?: string;
  readonly currency: string;
  readonly label: string;
  readonly sources: readonly string[];
  readonly regions: Record<string, R>;
}

/** One price for every unit. */
export function flat(unit: string, price: number, remark: PriceRemark = {}): PriceEntry {
  return { unit, tiers: [{ upTo: null, price }], ...remark };
}

/** Graduated prices, as `[upTo, price]` pairs in ascending order (the last one's `upTo` null). */
export function tiered(
  unit: string,
  tiers: readonly (readonly [upTo: number | null, price: number])[],
  remark: PriceRemark = {},
): PriceEntry {
  return { unit, tiers: tiers.map(([upTo, price]) => ({ upTo, price })), ...remark };
}

/**
 * API Gateway REST requests, in millions a month: the tier boundaries (333 million, 1 billion,
 * 20 billion) are the same in every Region; only the prices per million differ.
 */
function apiGatewayRestTiers(first333M: number, to1B: number, to20B: number, over20B: number): PriceEntry {
  return tiered('1M requests', [
    [333, first333M],
    [1_000, to1B],
    [20_000, to20B],
    [null, over20B],
  ]);
}

const M = 1_000_000;

/** Prices that are the same in both Regions we run in (as far as the author knows). */
const COMMON = {
  lambdaRequestsPerMillion: flat('1M requests', 0.2),
  lambdaArmGbSecond: tiered('GB-second', [
    [7_500 * M, 0.0000133334],
    [18_750 * M, 0.0000120001],
    [null, 0.0000106667],
  ]),
  lambdaArmProvisionedGbSecond: flat('GB-second provisioned', 0.0000033334, {
    confidence: 'low',
    note: 'Arm provisioned-concurrency rate recalled from the pricing page; invocations on warm instances are kept at the on-demand duration rate (an upper bound)',
  }),
  eventBridgeCustomEventsPerMillion: flat('1M events (64 KB chunks)', 1.0),
  eventBridgeArchiveProcessingPerGb: flat('GB archived', 0.1),
  eventBridgeArchiveStoragePerGbMonth: flat('GB-month', 0.023),
  eventBridgeReplayPerMillion: flat('1M replayed events', 1.0, {
    confidence: 'low',
    note: 'replayed events assumed billed like published custom events',
  }),
  snsFifoPublishPerMillion: flat('1M requests (64 KB chunks)', 0.3),
  snsFifoPublishPayloadPerGb: flat('GB published', 0.017),
  snsFifoDeliveriesPerMillion: flat('1M subscription messages', 0.01),
  snsFifoDeliveryPayloadPerGb: flat('GB delivered', 0.001),
  sqsStandardPerMillion: flat('1M requests (64 KB chunks)', 0.4),
  sqsFifoPerMillion: flat('1M requests (64 KB chunks)', 0.5),
  kmsRequestsPerMillion: flat('1M requests', 3.0),
} as const satisfies Partial<RegionPrices>;

export const PRICE_TABLE = {
  /** The day this table was written down; see the module comment for what that means. */
  asOf: '2026-11-28',
  /** When the author last saw these figures on the pricing pages. */
  figuresLastSeen: '2025',
  currency: 'USD',
  label: 'ESTIMATE from public on-demand list prices; not re-verified online on the asOf date',
  sources: [
    'https://aws.amazon.com/api-gateway/pricing/',
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/eventbridge/pricing/',
    'https://aws.amazon.com/sns/pricing/',
    'https://aws.amazon.com/sqs/pricing/',
    'https://aws.amazon.com/timestream/pricing/',
    'https://aws.amazon.com/kms/pricing/',
    'https://aws.amazon.com/cloudwatch/pricing/',
  ],
  regions: {
    'us-east-1': {
      ...COMMON,
      apiGatewayRestPerMillion: apiGatewayRestTiers(3.5, 2.8, 2.38, 1.51),
      timestreamWritesPerMillion: flat('1M writes (1 KB)', 0.5),
      timestreamMemoryStorePerGbHour: flat('GB-hour', 0.036),
      timestreamMagneticStorePerGbMonth: flat('GB-month', 0.03),
      cloudWatchLogsIngestionPerGb: flat('GB ingested', 0.5),
      cloudWatchLogsStoragePerGbMonth: flat('GB-month', 0.03),
    },
    'eu-west-1': {
      ...COMMON,
      apiGatewayRestPerMillion: apiGatewayRestTiers(3.5, 3.19, 2.71, 1.72),
      timestreamWritesPerMillion: flat('1M writes (1 KB)', 0.5625, {
        confidence: 'low',
        note: 'Ireland Timestream prices recalled less surely than us-east-1',
      }),
      timestreamMemoryStorePerGbHour: flat('GB-hour', 0.0407, { confidence: 'low' }),
      timestreamMagneticStorePerGbMonth: flat('GB-month', 0.0339, { confidence: 'low' }),
      cloudWatchLogsIngestionPerGb: flat('GB ingested', 0.57),
      cloudWatchLogsStoragePerGbMonth: flat('GB-month', 0.03),
    },
  },
} as const satisfies PriceTable<RegionPrices>;

export type PricedRegion = keyof typeof PRICE_TABLE.regions;
export const PRICED_REGIONS = Object.keys(PRICE_TABLE.regions) as PricedRegion[];

export function isPricedRegion(region: string): region is PricedRegion {
  return Object.hasOwn(PRICE_TABLE.regions, region);
}

/**
 * Cost of `quantity` units this month under graduated tiers (each unit is billed at the tier it
 * falls in, as AWS does for API Gateway and Lambda duration).
 */
export function tieredCost(entry: PriceEntry, quantity: number): number {
  if (!(quantity > 0)) return 0;
  let cost = 0;
  let from = 0;
  for (const tier of entry.tiers) {
    const to = tier.upTo ?? Number.POSITIVE_INFINITY;
    if (quantity <= from) break;
    cost += (Math.min(quantity, to) - from) * tier.price;
    from = to;
  }
  return cost;
}
