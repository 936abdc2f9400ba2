import type { SQSRecord } from 'aws-lambda';
import { type InvoiceEventDetail, InvoiceEventDetailSchema } from '../../schemas/envelope.ts';
import { toFieldIssues } from '../../schemas/errorResponse.ts';
import { MESSAGE_ATTRIBUTES } from '../../schemas/messageAttributes.ts';
import { MalformedMessageError } from '../shared/errors.ts';

export type FifoMessage =
  | {
      readonly ok: true;
      readonly messageId: string;
      readonly groupId: string;
      readonly detail: InvoiceEventDetail;
      readonly replayed: boolean;
    }
  | { readonly ok: false; readonly messageId: string; readonly groupId: string; readonly error: MalformedMessageError };

/**
 * Reads one consumer-queue message. The subscription uses raw message delivery, so the body *is*
 * the event detail (no SNS envelope) and the SNS message attributes arrive as SQS attributes.
 */
export function parseFifoMessage(
  record: Pick<SQSRecord, 'messageId' | 'body' | 'attributes' | 'messageAttributes'>,
): FifoMessage {
  // Without a group (not a FIFO queue) a message is its own group: nothing to keep in order with.
  const groupId = record.attributes?.MessageGroupId ?? record.messageId;
  const fail = (path: string, message: string, cause?: unknown): FifoMessage => ({
    ok: false,
    messageId: record.messageId,
    groupId,
    error: new MalformedMessageError(
      record.messageId,
      [{ path, message }],
      cause === undefined ? undefined : { cause },
    ),
  });

  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch (error) {
    return fail('', `body is not JSON: ${(error as Error).message}`, error);
  }
  const envelope = json as { Type?: unknown; Message?: unknown };
  if (envelope?.Type === 'Notification' && typeof envelope.Message === 'string') {
    return fail('', 'body is an SNS envelope: the subscription must use RawMessageDelivery');
  }
  const parsed = InvoiceEventDetailSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      messageId: record.messageId,
      groupId,
      error: new MalformedMessageError(record.messageId, toFieldIssues(parsed.error.issues)),
    };
  }
  return {
    ok: true,
    messageId: record.messageId,
    groupId,
    detail: parsed.data,
    replayed: Boolean(record.messageAttributes?.[MESSAGE_ATTRIBUTES.replayName]?.stringValue),
  };
}
