import { flat, type PriceEntry, type PriceTable } from './prices.ts';

/**
 * DynamoDB on-demand prices of the ingest API's idempotency table, per Region, in USD — an ESTIMATE
 * like every table of `bems cost` (see prices.ts): list prices as the author knew them (the
 * on-demand throughput prices after AWS halved them on 2024-11-01), written down on `asOf` without
 * network access. Verify them on the pricing page before using a number for a budget.
 */
export interface IdempotencyStorePrices {
  /** On-demand write request units: one per write of up to 1 KB (a failed conditional write counts too). */
  readonly dynamoDbWriteRequestsPerMillion: PriceEntry;
  /** On-demand read request units: one per strongly consistent read of up to 4 KB. */
  readonly dynamoDbReadRequestsPerMillion: PriceEntry;
  /** Standard table class storage (items plus 100 bytes of overhead each). TTL deletes are free. */
  readonly dynamoDbStoragePerGbMonth: PriceEntry;
}

export const IDEMPOTENCY_PRICE_TABLE = {
  asOf: '2026-12-07',
  figuresLastSeen: '2025',
  currency: 'USD',
  label: 'ESTIMATE from public on-demand list prices; not re-verified online on the asOf date',
  sources: ['https://aws.amazon.com/dynamodb/pricing/on-demand/'],
  regions: {
    'us-east-1': {
      dynamoDbWriteRequestsPerMillion: flat('1M write request units', 0.625),
      dynamoDbReadRequestsPerMillion: flat('1M read request units', 0.125),
      dynamoDbStoragePerGbMonth: flat('GB-month', 0.25),
    },
    'eu-west-1': {
      dynamoDbWriteRequestsPerMillion: flat('1M write request units', 0.7068, {
        confidence: 'low',
        note: 'Ireland: half the pre-2024-11 price, recalled less surely than us-east-1',
      }),
      dynamoDbReadRequestsPerMillion: flat('1M read request units', 0.1415, { confidence: 'low' }),
      dynamoDbStoragePerGbMonth: flat('GB-month', 0.283),
    },
  },
} as const satisfies PriceTable<IdempotencyStorePrices>;
