import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import type { HandlerName } from '../../cells/functionPlan.ts';
import { toApiGatewayEvent } from '../../local/cell/api/toApiGatewayEvent.ts';
import {
  type BusEvent,
  detailTypeFor,
  EVENT_SOURCE,
  type InvoiceEventDetail,
  SCHEMA_VERSION,
} from '../../schemas/envelope.ts';
import { InvoiceEventGenerator } from '../invoiceEventGenerator.ts';

/** Where the sample invocations are sent and what they look like. */
export interface SampleTarget {
  readonly cellId: string;
  readonly account: string;
  readonly region: string;
  readonly apiKey: string;
  /** The queue ARN each queue-fed function's records name as their source. */
  readonly queueArn: string;
}

/**
 * The bench's batches as each function receives them on AWS: ingest gets API Gateway proxy events
 * with a body of 10 events, forward SQS batches of 10 bus events (EventBridge's envelope), consume
 * SQS FIFO batches of 10 event details, the monitor its scheduled event. Events are the load
 * generator's, so sizes and variety match `npm run bench`.
 */
export function sampleInvocations(handler: HandlerName, count: number, target: SampleTarget): unknown[] {
  const generator = new InvoiceEventGenerator({ runId: `mem${process.pid}` });
  return Array.from({ length: count }, () => {
    if (handler === 'ingest') return ingestEvent(generator, target);
    if (handler === 'monitor') return scheduledEvent(target);
    const post = generator.batch(10);
    const details = (post.body as { events: Record<string, unknown>[] }).events.map((event) =>
      withServer({ ...event, stage: post.stage }, target),
    );
    return handler === 'forward'
      ? sqsEvent(
          details.map((d) => busEvent(d, target)),
          target,
        )
      : sqsEvent(details, target);
  });
}

function ingestEvent(generator: InvoiceEventGenerator, target: SampleTarget): APIGatewayProxyEvent {
  const post = generator.batch(10);
  const body = Buffer.from(JSON.stringify(post.body));
  const rawHeaders = ['content-type', 'application/json', 'x-api-key', target.apiKey];
  return toApiGatewayEvent(
    {
      method: 'POST',
      path: `/invoices/${post.stage}`,
      query: new URLSearchParams(),
      rawHeaders,
      body,
      sourceIp: '127.0.0.1',
    },
    {
      resourcePath: `/invoices/${post.stage}`,
      pathParameters: null,
      apiStage: 'prod',
      accountId: target.account,
      apiKey: target.apiKey,
      apiKeyId: 'sample-key',
      domainName: 'api.example.com',
    },
  );
}

/** An event as ingest stamps it before it goes on the bus (the generator's events follow the contract). */
function withServer(event: Record<string, unknown>, target: SampleTarget): InvoiceEventDetail {
  const detail = {
    ...event,
    server: {
      cell: target.cellId,
      account: target.account,
      region: target.region,
      receivedAt: new Date().toISOString(),
      schemaVersion: SCHEMA_VERSION,
    },
  };
  return detail as unknown as InvoiceEventDetail;
}

function busEvent(detail: InvoiceEventDetail, target: SampleTarget): BusEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailTypeFor(detail.stage),
    source: EVENT_SOURCE,
    account: target.account,
    time: detail.server.receivedAt,
    region: target.region,
    resources: [],
    detail,
  };
}

function sqsEvent(bodies: readonly unknown[], target: SampleTarget): SQSEvent {
  const now = String(Date.now());
  return {
    Records: bodies.map(
      (body): SQSRecord => ({
        messageId: randomUUID(),
        receiptHandle: `rh-${randomUUID()}`,
        body: JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: now,
          SenderId: 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: now,
          MessageGroupId: (body as { invoiceId?: string; detail?: { invoiceId?: string } }).invoiceId ?? randomUUID(),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: target.queueArn,
        awsRegion: target.region,
      }),
    ),
  };
}

function scheduledEvent(target: SampleTarget) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: target.account,
    time: new Date().toISOString(),
    region: target.region,
    resources: [],
    detail: {},
  };
}
