import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { REDRIVE_ATTRIBUTES } from '../../../schemas/messageAttributes.ts';
import type { DlqRoute } from './DlqRoute.ts';

/** SQS allows at most 10 message attributes per message. */
export const SQS_MAX_MESSAGE_ATTRIBUTES = 10;

/** A DLQ message decoded for people and for redrive decisions. Malformed bodies decode too (fields absent). */
export interface DlqMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly eventId?: string;
  readonly invoiceId?: string;
  readonly stage?: string;
  readonly status?: string;
  readonly occurredAt?: string;
  /** The event time on the bus (server receipt), for `--since`. */
  readonly receivedAt?: string;
  readonly amount?: string;
  readonly currency?: string;
  /** FIFO message group (= invoiceId for BEMS messages). */
  readonly groupId?: string;
  readonly deduplicationId?: string;
  /** ApproximateReceiveCount, including the receives in the source queue and this one. */
  readonly receiveCount: number;
  /** SentTimestamp (ms): when the message first entered the source queue. */
  readonly sentAtMs?: number;
  /** When processing first failed (ms): kept across redrives, else the first receive from the source queue. */
  readonly firstFailedAtMs?: number;
  readonly redriveCount: number;
  /** Why the body could not be read as a BEMS event, if it could not. */
  readonly decodeError?: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
}

/** Reads one received DLQ message (received with `AttributeNames: ['All']`, `MessageAttributeNames: ['All']`). */
export function decodeDlqMessage(message: Message, route: Pick<DlqRoute, 'role'>): DlqMessage {
  const attributes = message.Attributes ?? {};
  const messageAttributes = message.MessageAttributes ?? {};
  const body = message.Body ?? '';
  const numberAttribute = (name: string): number | undefined => {
    const text = messageAttributes[name]?.StringValue;
    const value = text === undefined ? Number.NaN : Number(text);
    return Number.isFinite(value) ? value : undefined;
  };
  const epoch = (text: string | undefined): number | undefined => {
    const value = text === undefined ? Number.NaN : Number(text);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const fields = readBody(body, route.role);
  const firstFailedAtMs =
    numberAttribute(REDRIVE_ATTRIBUTES.firstFailedAt) ?? epoch(attributes.ApproximateFirstReceiveTimestamp);
  const sentAtMs = epoch(attributes.SentTimestamp);
  const groupId = attributes.MessageGroupId;
  const deduplicationId = attributes.MessageDeduplicationId;
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    ...fields,
    ...(groupId !== undefined ? { groupId } : {}),
    ...(deduplicationId !== undefined ? { deduplicationId } : {}),
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0) || 0,
    ...(sentAtMs !== undefined ? { sentAtMs } : {}),
    ...(firstFailedAtMs !== undefined ? { firstFailedAtMs } : {}),
    redriveCount: Math.max(0, Math.trunc(numberAttribute(REDRIVE_ATTRIBUTES.count) ?? 0)),
    messageAttributes,
  };
}

type BodyFields = Pick<
  DlqMessage,
  'eventId' | 'invoiceId' | 'stage' | 'status' | 'occurredAt' | 'receivedAt' | 'amount' | 'currency' | 'decodeError'
>;

/**
 * Picks the fields operators filter and read by, without validating the whole event: a message in a
 * DLQ may be there precisely because it is malformed, and it must still be listed and redrivable.
 * Inbox bodies are EventBridge events (the invoice event in `detail`); consumer bodies are the detail.
 */
function readBody(body: string, role: DlqRoute['role']): BodyFields {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { decodeError: `body is not JSON: ${(error as Error).message}` };
  }
  const detail = role === 'inbox' ? objectAt(json, 'detail') : objectAt(json);
  if (!detail) return { decodeError: role === 'inbox' ? 'body has no event detail' : 'body is not a JSON object' };
  const text = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : undefined);
  const server = objectAt(detail, 'server');
  const receivedAt = typeof server?.receivedAt === 'string' ? server.receivedAt : undefined;
  const fields: Record<string, string> = {};
  for (const key of ['eventId', 'invoiceId', 'stage', 'status', 'occurredAt', 'amount', 'currency'] as const) {
    const value = text(key);
    if (value !== undefined) fields[key] = value;
  }
  if (receivedAt !== undefined) fields.receivedAt = receivedAt;
  if (fields.eventId === undefined) fields.decodeError = 'body has no eventId';
  return fields as BodyFields;
}

function objectAt(value: unknown, key?: string): Record<string, unknown> | undefined {
  const target = key === undefined ? value : (value as Record<string, unknown> | null)?.[key];
  return typeof target === 'object' && target !== null && !Array.isArray(target)
    ? (target as Record<string, unknown>)
    : undefined;
}

/**
 * The attributes a redriven message is sent with: everything it carried (SNS filter attributes
 * such as `stage`, `status`), the redrive count raised by one, and the first-failure time kept.
 */
export function redriveMessageAttributes(message: DlqMessage, nowMs: number): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.messageAttributes)) {
    // Only the value fields SendMessage accepts (ReceiveMessage may add list members).
    attributes[name] = {
      DataType: value.DataType,
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
    };
  }
  attributes[REDRIVE_ATTRIBUTES.count] = { DataType: 'Number', StringValue: String(message.redriveCount + 1) };
  attributes[REDRIVE_ATTRIBUTES.firstFailedAt] = {
    DataType: 'Number',
    StringValue: String(message.firstFailedAtMs ?? message.sentAtMs ?? nowMs),
  };
  return attributes;
}

/**
 * A fresh deduplication id for the n-th redrive of a FIFO message: the original id would be
 * swallowed by SQS if the first delivery is less than 5 minutes old. The same message redriven
 * twice for the same n (an interrupted redrive run again) gets the same id, so SQS drops the second
 * copy inside the window, and eventId idempotency at the store absorbs it after.
 */
export function redriveDeduplicationId(message: DlqMessage): string {
  const base = message.eventId ?? message.deduplicationId?.replace(/:r\d+$/, '') ?? message.messageId;
  // FIFO deduplication ids are at most 128 characters.
  return `${base.slice(0, 120)}:r${message.redriveCount + 1}`;
}
