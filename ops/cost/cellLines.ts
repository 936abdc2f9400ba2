import { HOURS_PER_MONTH } from './assumptions.ts';
import { GB, KB, type LineContext, millions } from './costLines.ts';
import type { RegionPrices } from './prices.ts';

/** SQS, SNS and EventBridge bill each 64 KB chunk of a request (or entry) as one. */
const CHUNK = 64 * KB;

/** The pipeline in front of the store, the same for both stores: API Gateway to the consumer queues. */
export function addPipelineLines(ctx: LineContext, prices: RegionPrices): void {
  const { assumptions: a, profile, events } = ctx;
  ctx.add('apiGateway', 'REST requests', prices.apiGatewayRestPerMillion, millions(ctx.perEvent(profile.apiGateway)));

  const invocations = ctx.perEvent(profile.lambda);
  ctx.add('lambda', 'requests', prices.lambdaRequestsPerMillion, millions(invocations));
  const gbSeconds = invocations * (a.lambdaMemoryMb / 1024) * (a.lambdaAvgDurationMs / 1000);
  ctx.add(
    'lambda',
    `duration arm64 (${a.lambdaMemoryMb} MB × ${a.lambdaAvgDurationMs} ms)`,
    prices.lambdaArmGbSecond,
    gbSeconds,
  );

  // EventBridge bills each entry (per 64 KB chunk), not each PutEvents call: batching does not help here.
  const eventChunks = Math.ceil(a.eventBytes / CHUNK);
  ctx.add('eventBridge', 'custom events', prices.eventBridgeCustomEventsPerMillion, millions(events * eventChunks));
  const eventGb = (events * a.eventBytes) / GB;
  ctx.add('eventBridge', 'archive processing', prices.eventBridgeArchiveProcessingPerGb, eventGb);
  ctx.add(
    'eventBridge',
    "archive storage (one month's events; grows each month kept)",
    prices.eventBridgeArchiveStoragePerGbMonth,
    eventGb,
  );

  // A PublishBatch is billed per 64 KB of its total payload.
  const publishCalls = ctx.perEvent(profile.sns);
  const eventsPerPublish = publishCalls > 0 ? Math.min(10, events / publishCalls) : 1;
  const chunksPerPublish = Math.max(1, Math.ceil((eventsPerPublish * a.eventBytes) / CHUNK));
  ctx.add('sns', 'FIFO publish requests', prices.snsFifoPublishPerMillion, millions(publishCalls * chunksPerPublish));
  ctx.add('sns', 'FIFO publish payload', prices.snsFifoPublishPayloadPerGb, eventGb);
  const deliveries = events * a.analyticsRecordsPerEvent;
  ctx.add('sns', 'FIFO deliveries to SQS', prices.snsFifoDeliveriesPerMillion, millions(deliveries));
  ctx.add('sns', 'FIFO delivery payload', prices.snsFifoDeliveryPayloadPerGb, (deliveries * a.eventBytes) / GB);

  const sqsRequests = ctx.perEvent(profile.sqs);
  ctx.add(
    'sqs',
    'standard requests (inboxes)',
    prices.sqsStandardPerMillion,
    millions(sqsRequests * (1 - a.sqsFifoShare)),
  );
  ctx.add('sqs', 'FIFO requests (consumer queues)', prices.sqsFifoPerMillion, millions(sqsRequests * a.sqsFifoShare));
}

/** What both cells pay for besides the pipeline: KMS and the Lambda logs. */
export function addAccountLines(ctx: LineContext, prices: RegionPrices): void {
  const a = ctx.assumptions;
  const kmsFixed = a.kmsEncryptedResources * (3600 / a.kmsDataKeyReuseSeconds) * HOURS_PER_MONTH;
  ctx.add(
    'kms',
    'requests (data-key reuse + per event)',
    prices.kmsRequestsPerMillion,
    millions(kmsFixed + ctx.perEvent(ctx.profile.kms ?? 0)),
  );

  const logGb = (ctx.perEvent(ctx.profile.lambda) * a.logBytesPerInvocation) / GB;
  ctx.add('cloudWatchLogs', 'Lambda log ingestion', prices.cloudWatchLogsIngestionPerGb, logGb);
  ctx.add('cloudWatchLogs', "log storage (one month's logs)", prices.cloudWatchLogsStoragePerGbMonth, logGb);
}
