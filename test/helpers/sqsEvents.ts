import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { type BusEvent, detailTypeFor, type InvoiceEventDetail, SCHEMA_VERSION } from '../../schemas/envelope.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';

/**
 * The event as the ingest Lambda puts it on the bus: with server metadata. For an event stamped
 * before ingest recorded its account, use {@link withoutAccount}.
 */
export function buildEventDetail(
  event: InvoiceEvent,
  server: Partial<InvoiceEventDetail['server']> = {},
): InvoiceEventDetail {
  return {
    ...event,
    server: {
      cell: 'test',
      account: '000000000000',
      region: 'eu-west-1',
      receivedAt: new Date(Date.parse(event.occurredAt) + 1_000).toISOString(),
      schemaVersion: SCHEMA_VERSION,
      ...server,
    },
  };
}

/** The same detail as an event stamped before the server metadata carried the account. */
export function withoutAccount(detail: InvoiceEventDetail): InvoiceEventDetail {
  const { account: _dropped, ...server } = detail.server;
  return { ...detail, server };
}

/** The EventBridge event the stage rule delivers to an inbox queue. */
export function buildBusEvent(detail: InvoiceEventDetail, overrides: Partial<BusEvent> = {}): BusEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailTypeFor(detail.stage),
    source: 'bems.invoices',
    account: detail.server.account ?? '000000000000',
    time: detail.server.receivedAt,
    region: detail.server.region,
    resources: [],
    detail,
    ...overrides,
  };
}

export interface SqsRecordOptions {
  readonly body: unknown;
  readonly messageId?: string;
  readonly messageGroupId?: string;
  readonly messageAttributes?: Record<string, string>;
  readonly eventSourceARN?: string;
  readonly receiveCount?: number;
}

/** One SQS record as Lambda delivers it; a non-string body is JSON-encoded. */
export function buildSqsRecord(options: SqsRecordOptions): SQSRecord {
  const body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const messageAttributes: SQSMessageAttributes = Object.fromEntries(
    Object.entries(options.messageAttributes ?? {}).map(([name, value]) => [
      name,
      { dataType: 'String', stringValue: value },
    ]),
  );
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: `rh-${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      ...(options.messageGroupId ? { MessageGroupId: options.messageGroupId } : {}),
    },
    messageAttributes,
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.eventSourceARN ?? 'arn:aws:sqs:eu-west-1:000000000000:test-queue',
    awsRegion: 'eu-west-1',
  };
}

export function buildSqsEvent(records: readonly SQSRecord[]): SQSEvent {
  return { Records: [...records] };
}

/**
 * Turns messages from ReceiveMessage (asked with `MessageSystemAttributeNames: ['All']` and
 * `MessageAttributeNames: ['All']`) into the SQS event Lambda's event source mapping would deliver.
 */
export function toLambdaSqsEvent(messages: readonly Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: m.Attributes as unknown as SQSRecord['attributes'],
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          { dataType: value.DataType ?? 'String', ...(value.StringValue ? { stringValue: value.StringValue } : {}) },
        ]),
      ),
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: queueArn.split(':')[3] ?? 'eu-west-1',
    })),
  };
}
