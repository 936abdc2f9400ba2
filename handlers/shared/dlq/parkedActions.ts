import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { REDRIVE_ATTRIBUTES } from '../../../schemas/messageAttributes.ts';
import type { AuditRecord, ParkedMessage } from '../../../schemas/parkedMessage.ts';
import { describeError } from '../errors.ts';
import { SQS_MAX_MESSAGE_ATTRIBUTES } from './DlqMessage.ts';
import type { DlqRoute } from './DlqRoute.ts';
import { auditId, type ParkedStore } from './ParkedStore.ts';

/** Who did it, when and why: what every audit record and parked message carries. */
export interface ActionContext {
  readonly store: ParkedStore;
  readonly cellId: string;
  readonly operator: string;
  readonly reason: string;
  readonly now?: () => number;
}

export function auditRecordOf(
  action: AuditRecord['action'],
  messages: readonly ParkedMessage[],
  context: Omit<ActionContext, 'store'>,
  destination?: string,
): AuditRecord {
  const atMs = (context.now ?? Date.now)();
  return {
    version: 1,
    id: auditId(action, atMs),
    action,
    cellId: context.cellId,
    operator: context.operator,
    at: new Date(atMs).toISOString(),
    reason: context.reason,
    parkedIds: messages.map((m) => m.id),
    eventIds: [...new Set(messages.flatMap((m) => (m.eventId === undefined ? [] : [m.eventId])))],
    ...(destination !== undefined ? { destination } : {}),
  };
}

export interface RestoreResult {
  readonly restored: readonly ParkedMessage[];
  readonly failed: readonly { readonly id: string; readonly error: string }[];
  readonly audit?: AuditRecord;
}

/**
 * Puts parked messages back on the DLQ they were parked from (not the source queue: see
 * docs/adr/0013), as they were — body, attributes (redrive count, first failure), FIFO message
 * group — with a deduplication id derived from the parked copy, then deletes the copy. A crash
 * between the send and the delete leaves the copy; restoring it again within SQS's 5-minute window
 * sends the same deduplication id, which SQS drops, and later a second copy in the DLQ whose event
 * is recorded once (eventId idempotency). The audit record is written at the end.
 */
export async function restoreParked(
  sqs: SQSClient,
  routes: readonly DlqRoute[],
  messages: readonly ParkedMessage[],
  context: ActionContext,
): Promise<RestoreResult> {
  const restored: ParkedMessage[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const message of messages) {
    const route = routes.find((r) => r.dlq.name === message.dlq);
    if (!route) {
      failed.push({ id: message.id, error: `the cell has no DLQ ${message.dlq} any more` });
      continue;
    }
    try {
      await sqs.send(new SendMessageCommand(restoreEntry(route, message)));
      await context.store.remove(message.id);
      restored.push(message);
    } catch (error) {
      failed.push({ id: message.id, error: describeError(error) });
    }
  }
  if (restored.length === 0) return { restored, failed };
  const audit = auditRecordOf('restore', restored, context, 'the DLQ each was parked from');
  await context.store.audit(audit);
  return { restored, failed, audit };
}

/**
 * Deletes parked messages for good, after writing the audit record (operator, time, eventIds,
 * reason): a crash in between leaves an audit record of messages still parked, never a message gone
 * without one. S3 keeps the deleted copy as a non-current version for 90 days (DlqRecoveryStore).
 */
export async function discardParked(messages: readonly ParkedMessage[], context: ActionContext): Promise<AuditRecord> {
  const audit = auditRecordOf('discard', messages, context);
  await context.store.audit(audit);
  for (const message of messages) await context.store.remove(message.id);
  return audit;
}

/** The SendMessage request that puts a parked message back on its DLQ. */
export function restoreEntry(route: DlqRoute, message: ParkedMessage) {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.message.attributes)) {
    attributes[name] = {
      DataType: value.DataType,
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: Buffer.from(value.BinaryValue, 'base64') } : {}),
    };
  }
  // The first failure stays the first failure (a new DLQ message would start the clock again).
  const firstFailedAt = message.message.firstFailedAt ?? message.message.sentAt;
  if (
    firstFailedAt !== undefined &&
    !attributes[REDRIVE_ATTRIBUTES.firstFailedAt] &&
    Object.keys(attributes).length < SQS_MAX_MESSAGE_ATTRIBUTES
  ) {
    attributes[REDRIVE_ATTRIBUTES.firstFailedAt] = {
      DataType: 'Number',
      StringValue: String(Date.parse(firstFailedAt)),
    };
  }
  return {
    QueueUrl: route.dlq.url,
    MessageBody: message.message.body,
    MessageAttributes: attributes,
    ...(message.fifo
      ? {
          // Same group as before: the invoice's messages stay in order in the DLQ and after a redrive.
          MessageGroupId: message.message.groupId ?? message.invoiceId ?? message.message.messageId,
          MessageDeduplicationId: restoreDeduplicationId(message),
        }
      : {}),
  };
}

/**
 * The deduplication id of a restore: the event (or the message) and when this copy was parked, so
 * restoring the same copy twice within 5 minutes is dropped by SQS, and a copy parked again later
 * gets an id of its own. At most 128 characters.
 */
export function restoreDeduplicationId(message: ParkedMessage): string {
  const base = message.eventId ?? message.message.deduplicationId ?? message.message.messageId;
  return `${base.slice(0, 100)}:p${Date.parse(message.parkedAt).toString(36)}`;
}
