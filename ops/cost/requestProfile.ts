/**
 * How many AWS requests a cell makes per 1,000 accepted events, by service — the input of the cost
 * model. The benchmark measures it on the local cell (the emulators count every call); without a
 * measurement the model uses the analytic floor below.
 */

/** Services the emulators count and the cost model prices per request. */
export const METERED_SERVICES = ['apiGateway', 'lambda', 'eventBridge', 'sns', 'sqs', 'timestream'] as const;
export type MeteredService = (typeof METERED_SERVICES)[number];

/**
 * API calls per 1,000 events. `sqs` includes the messages EventBridge and SNS deliver into queues
 * (AWS bills those as SQS requests too). `kms` is optional: with SQS/SNS data-key reuse it is a
 * fixed cost per queue, not per event.
 */
export type RequestsPer1000 = Record<MeteredService, number> & { readonly kms?: number };

export interface FloorOptions {
  /** Events per POST, PutEvents, PublishBatch, ReceiveMessage and WriteRecords (the AWS maximum is 10). @default 10 */
  readonly batchSize?: number;
  /** Consumers subscribed to each stage topic. @default 1 */
  readonly consumersPerStage?: number;
}

/**
 * The fewest requests the pipeline can make per 1,000 events, given the AWS limits:
 *
 * | service | per event | why |
 * |---|---|---|
 * | API Gateway | 1/B | a client POSTs at most B = 10 events per request |
 * | Lambda | 3/B (ingest, forward, consume per consumer) | one invocation per batch of B |
 * | EventBridge | 1/B PutEvents calls | ≤10 entries per call — but billing is per entry (1/event) whatever the batching |
 * | SNS | 1/B PublishBatch | ≤10 messages per call, billed per 64 KB chunk |
 * | SQS | 1 + 2/B per queue | the bus and SNS deliver each event as its own SendMessage; the poller receives and deletes B at a time |
 * | Timestream | 1/B WriteRecords per consumer | a FIFO batch holds ≤10 records — but billing is per 1 KB record |
 *
 * With B = 10 and one consumer that is 0.1 + 0.3 + 0.1 + 0.1 + 2.4 + 0.1 = 3.1 requests per event;
 * without batching (B = 1) it is 13.
 */
export function floorRequestsPer1000(options: FloorOptions = {}): RequestsPer1000 {
  const batch = options.batchSize ?? 10;
  const consumers = options.consumersPerStage ?? 1;
  const perBatch = 1000 / batch;
  // Each queue sees one delivery per event plus one receive and one delete per batch.
  const perQueue = 1000 + 2 * perBatch;
  return {
    apiGateway: perBatch,
    lambda: perBatch * (2 + consumers),
    eventBridge: perBatch,
    sns: perBatch,
    sqs: perQueue * (1 + consumers),
    timestream: perBatch * consumers,
  };
}

/** The analytic floor with batches of 10 and one consumer per stage (the local cell's shape). */
export const ANALYTIC_FLOOR_PER_1000: RequestsPer1000 = floorRequestsPer1000();

/** Sum of all metered requests per event. */
export function requestsPerEvent(profile: RequestsPer1000): number {
  return METERED_SERVICES.reduce((sum, service) => sum + profile[service], 0) / 1000;
}
