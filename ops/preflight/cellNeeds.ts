import type { CellDefinition } from '../../cells/definition.ts';
import { MAX_EVENTS_PER_REQUEST } from '../../schemas/invoiceEvent.ts';
import { STAGES } from '../../schemas/stages.ts';
import { DEFAULT_COST_ASSUMPTIONS } from '../cost/assumptions.ts';

/**
 * What one cell asks of its account and Region, derived from its definition and the sizing every
 * cell is built for (DESIGN §1): 86 million events a day, peaks of 60,000 events a minute.
 */
export const CELL_SIZING = {
  eventsPerDay: 86_000_000,
  peakEventsPerMinute: 60_000,
} as const;

/** Lambda keeps at least this much account concurrency unreserved; a reservation below it fails the deploy. */
export const LAMBDA_MIN_UNRESERVED = 100;
/** Reserved concurrency of the cell's functions: the stuck-event monitor (one run at a time). */
const RESERVED_CONCURRENCY = 1;
/** Mean ingest duration (ops/cost assumptions): by Little's law, concurrency = requests/s × seconds. */
const INGEST_SECONDS = DEFAULT_COST_ASSUMPTIONS.lambdaAvgDurationMs / 1000;
/** Bytes of one analytics record (the cost model's record size). */
export const ANALYTICS_RECORD_BYTES = DEFAULT_COST_ASSUMPTIONS.timestreamRecordBytes;

export interface CellNeeds {
  readonly peakEventsPerSecond: number;
  readonly eventsPerDay: number;
  /** Largest events per request the API accepts. */
  readonly maxBatch: number;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** Σ maximum concurrency of the event-source mappings (every inbox and consumer queue). */
  readonly eventSourceConcurrency: number;
  /** Ingest functions running at once when the API runs at its stage rate limit. */
  readonly ingestConcurrency: number;
  readonly reservedConcurrency: number;
  /** Account concurrency the cell needs: everything above, and room for Lambda's unreserved minimum. */
  readonly lambdaConcurrency: number;
  /** PutEvents entries per second at peak (one per accepted event). */
  readonly putEventsPerSecond: number;
  /** FIFO publishes per second at peak (the forwarder publishes each event once to its stage topic). */
  readonly snsFifoPublishesPerSecond: number;
  /** Lakehouse: records per second into the cell's Firehose stream (one per consumer of the event's stage). */
  readonly firehoseRecordsPerSecond: number;
  /** Lakehouse: PutRecordBatch calls per second (one per consumer batch). */
  readonly firehoseRequestsPerSecond: number;
  readonly firehoseBytesPerSecond: number;
}

export function cellNeeds(cell: CellDefinition): CellNeeds {
  const peakEventsPerSecond = CELL_SIZING.peakEventsPerMinute / 60;
  const stages = STAGES.map((stage) => cell.stages[stage]);
  const eventSourceConcurrency = stages.reduce(
    (sum, stage) =>
      sum + stage.inbox.maxConcurrency + stage.consumers.reduce((s, consumer) => s + consumer.queue.maxConcurrency, 0),
    0,
  );
  const ingestConcurrency = Math.ceil(cell.api.rateLimit * INGEST_SECONDS);
  const used = eventSourceConcurrency + ingestConcurrency + RESERVED_CONCURRENCY;
  // Worst case: the whole peak lands in the stage with the most consumers.
  const consumersPerEvent = Math.max(...stages.map((stage) => stage.consumers.length));
  const smallestBatch = Math.min(...stages.flatMap((stage) => stage.consumers.map((c) => c.queue.batchSize)));
  const firehoseRecordsPerSecond = peakEventsPerSecond * consumersPerEvent;
  return {
    peakEventsPerSecond,
    eventsPerDay: CELL_SIZING.eventsPerDay,
    maxBatch: MAX_EVENTS_PER_REQUEST,
    apiRateLimit: cell.api.rateLimit,
    apiBurstLimit: cell.api.burstLimit,
    eventSourceConcurrency,
    ingestConcurrency,
    reservedConcurrency: RESERVED_CONCURRENCY,
    lambdaConcurrency: Math.max(used, RESERVED_CONCURRENCY + LAMBDA_MIN_UNRESERVED),
    putEventsPerSecond: peakEventsPerSecond,
    snsFifoPublishesPerSecond: peakEventsPerSecond,
    firehoseRecordsPerSecond,
    firehoseRequestsPerSecond: Math.ceil(firehoseRecordsPerSecond / smallestBatch),
    firehoseBytesPerSecond: firehoseRecordsPerSecond * ANALYTICS_RECORD_BYTES,
  };
}

/** The cells of the config that share this cell's account and Region (this one included). */
export function cellsSharingAccountAndRegion(
  cell: CellDefinition,
  region: string,
  all: readonly CellDefinition[],
): CellDefinition[] {
  const peers = all.filter(
    (other) => other.id !== cell.id && other.account === cell.account && other.region === region,
  );
  return [cell, ...peers];
}
