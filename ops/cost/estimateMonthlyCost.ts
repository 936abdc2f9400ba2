import { type CostAssumptions, DEFAULT_COST_ASSUMPTIONS, HOURS_PER_MONTH } from './assumptions.ts';
import {
  isPricedRegion,
  PRICE_TABLE,
  PRICED_REGIONS,
  type PriceEntry,
  type RegionPrices,
  tieredCost,
} from './prices.ts';
import { ANALYTIC_FLOOR_PER_1000, type RequestsPer1000 } from './requestProfile.ts';

export const COST_SERVICES = [
  'apiGateway',
  'lambda',
  'eventBridge',
  'sns',
  'sqs',
  'timestream',
  'kms',
  'cloudWatchLogs',
] as const;
export type CostService = (typeof COST_SERVICES)[number];

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

export interface CostEstimate {
  readonly region: string;
  readonly eventsPerDay: number;
  readonly eventsPerMonth: number;
  readonly requestsPer1000: RequestsPer1000;
  readonly lines: readonly CostLine[];
  readonly byService: Record<CostService, number>;
  readonly monthlyUsd: number;
  readonly perMillionEventsUsd: number;
  readonly priceTable: { readonly asOf: string; readonly label: string; readonly sources: readonly string[] };
  readonly assumptions: CostAssumptions;
}

export interface EstimateInput {
  readonly eventsPerDay: number;
  /** @default 'eu-west-1' (the local cell's Region) */
  readonly region?: string;
  /** @default the analytic floor ({@link ANALYTIC_FLOOR_PER_1000}) */
  readonly requestsPer1000?: RequestsPer1000;
  readonly assumptions?: Partial<CostAssumptions>;
}

export class CostModelError extends Error {
  override readonly name = 'CostModelError';
}

const KB = 1024;
const GB = 1024 ** 3;
/** SQS, SNS and EventBridge bill each 64 KB chunk of a request (or entry) as one. */
const CHUNK = 64 * KB;

/**
 * Monthly AWS cost of one cell at `eventsPerDay`, by service and per million events, from the
 * per-event request counts and the dated price table. Every figure is an estimate (see prices.ts).
 */
export function estimateMonthlyCost(input: EstimateInput): CostEstimate {
  const region = input.region ?? 'eu-west-1';
  if (!isPricedRegion(region)) {
    throw new CostModelError(`no prices for region "${region}"; priced regions: ${PRICED_REGIONS.join(', ')}`);
  }
  if (!Number.isFinite(input.eventsPerDay) || input.eventsPerDay < 0) {
    throw new CostModelError(`eventsPerDay must be a non-negative number, got ${input.eventsPerDay}`);
  }
  const prices: RegionPrices = PRICE_TABLE.regions[region];
  const a: CostAssumptions = { ...DEFAULT_COST_ASSUMPTIONS, ...input.assumptions };
  const profile = input.requestsPer1000 ?? ANALYTIC_FLOOR_PER_1000;
  const events = input.eventsPerDay * a.daysPerMonth;
  const perEvent = (count: number) => (events * count) / 1000;
  const lines: CostLine[] = [];
  const add = (service: CostService, item: string, entry: PriceEntry, quantity: number) => {
    lines.push({
      service,
      item,
      quantity,
      unit: entry.unit,
      monthlyUsd: tieredCost(entry, quantity),
      ...(entry.confidence === 'low' ? { lowConfidence: true } : {}),
    });
  };
  const millions = (n: number) => n / 1_000_000;

  add('apiGateway', 'REST requests', prices.apiGatewayRestPerMillion, millions(perEvent(profile.apiGateway)));

  const invocations = perEvent(profile.lambda);
  add('lambda', 'requests', prices.lambdaRequestsPerMillion, millions(invocations));
  const gbSeconds = invocations * (a.lambdaMemoryMb / 1024) * (a.lambdaAvgDurationMs / 1000);
  add(
    'lambda',
    `duration arm64 (${a.lambdaMemoryMb} MB × ${a.lambdaAvgDurationMs} ms)`,
    prices.lambdaArmGbSecond,
    gbSeconds,
  );

  // EventBridge bills each entry (per 64 KB chunk), not each PutEvents call: batching does not help here.
  const eventChunks = Math.ceil(a.eventBytes / CHUNK);
  add('eventBridge', 'custom events', prices.eventBridgeCustomEventsPerMillion, millions(events * eventChunks));
  const eventGb = (events * a.eventBytes) / GB;
  add('eventBridge', 'archive processing', prices.eventBridgeArchiveProcessingPerGb, eventGb);
  add(
    'eventBridge',
    "archive storage (one month's events; grows each month kept)",
    prices.eventBridgeArchiveStoragePerGbMonth,
    eventGb,
  );

  // A PublishBatch is billed per 64 KB of its total payload.
  const publishCalls = perEvent(profile.sns);
  const eventsPerPublish = publishCalls > 0 ? Math.min(10, events / publishCalls) : 1;
  const chunksPerPublish = Math.max(1, Math.ceil((eventsPerPublish * a.eventBytes) / CHUNK));
  add('sns', 'FIFO publish requests', prices.snsFifoPublishPerMillion, millions(publishCalls * chunksPerPublish));
  add('sns', 'FIFO publish payload', prices.snsFifoPublishPayloadPerGb, eventGb);
  const deliveries = events * a.timestreamRecordsPerEvent;
  add('sns', 'FIFO deliveries to SQS', prices.snsFifoDeliveriesPerMillion, millions(deliveries));
  add('sns', 'FIFO delivery payload', prices.snsFifoDeliveryPayloadPerGb, (deliveries * a.eventBytes) / GB);

  const sqsRequests = perEvent(profile.sqs);
  add('sqs', 'standard requests (inboxes)', prices.sqsStandardPerMillion, millions(sqsRequests * (1 - a.sqsFifoShare)));
  add('sqs', 'FIFO requests (consumer queues)', prices.sqsFifoPerMillion, millions(sqsRequests * a.sqsFifoShare));

  // Timestream meters each record in 1 KB units whatever the WriteRecords batching.
  const records = events * a.timestreamRecordsPerEvent;
  add(
    'timestream',
    'writes (1 KB units)',
    prices.timestreamWritesPerMillion,
    millions(records * Math.ceil(a.timestreamRecordBytes / KB)),
  );
  const recordGbPerDay = (input.eventsPerDay * a.timestreamRecordsPerEvent * a.timestreamRecordBytes) / GB;
  const residentGb = recordGbPerDay * (a.timestreamMemoryRetentionHours / 24);
  add(
    'timestream',
    `memory store (${a.timestreamMemoryRetentionHours} h resident)`,
    prices.timestreamMemoryStorePerGbHour,
    residentGb * HOURS_PER_MONTH,
  );
  add(
    'timestream',
    "magnetic store (one month's records; grows each month kept)",
    prices.timestreamMagneticStorePerGbMonth,
    recordGbPerDay * a.daysPerMonth,
  );

  const kmsFixed = a.kmsEncryptedResources * (3600 / a.kmsDataKeyReuseSeconds) * HOURS_PER_MONTH;
  add(
    'kms',
    'requests (data-key reuse + per event)',
    prices.kmsRequestsPerMillion,
    millions(kmsFixed + perEvent(profile.kms ?? 0)),
  );

  const logGb = (invocations * a.logBytesPerInvocation) / GB;
  add('cloudWatchLogs', 'Lambda log ingestion', prices.cloudWatchLogsIngestionPerGb, logGb);
  add('cloudWatchLogs', "log storage (one month's logs)", prices.cloudWatchLogsStoragePerGbMonth, logGb);

  const byService = Object.fromEntries(COST_SERVICES.map((s) => [s, 0])) as Record<CostService, number>;
  for (const line of lines) byService[line.service] += line.monthlyUsd;
  const monthlyUsd = lines.reduce((sum, line) => sum + line.monthlyUsd, 0);
  return {
    region,
    eventsPerDay: input.eventsPerDay,
    eventsPerMonth: events,
    requestsPer1000: profile,
    lines,
    byService,
    monthlyUsd,
    perMillionEventsUsd: events > 0 ? (monthlyUsd / events) * 1_000_000 : 0,
    priceTable: { asOf: PRICE_TABLE.asOf, label: PRICE_TABLE.label, sources: PRICE_TABLE.sources },
    assumptions: a,
  };
}
