import type { SQSRecord } from 'aws-lambda';
import { type BusEvent, BusEventSchema } from '../../schemas/envelope.ts';
import { type FieldIssue, toFieldIssues } from '../../schemas/errorResponse.ts';
import { MalformedMessageError } from '../shared/errors.ts';

export type InboxMessage =
  | { readonly ok: true; readonly messageId: string; readonly busEvent: BusEvent }
  | { readonly ok: false; readonly messageId: string; readonly error: MalformedMessageError };

/**
 * Reads one inbox message (an EventBridge event as SQS body) one layer at a time: the SQS body as
 * JSON, then the bus envelope with the invoice event in its `detail`. Problems are reported at the
 * field that caused them (`detail-type`, `detail.amount`, …), never as one opaque failure.
 */
export function parseInboxMessage(record: Pick<SQSRecord, 'messageId' | 'body'>): InboxMessage {
  const fail = (issues: FieldIssue[], cause?: unknown): InboxMessage => ({
    ok: false,
    messageId: record.messageId,
    error: new MalformedMessageError(record.messageId, issues, cause === undefined ? undefined : { cause }),
  });

  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch (error) {
    return fail([{ path: '', message: `body is not JSON: ${(error as Error).message}` }], error);
  }

  // BusEventSchema also checks that detail-type names the stage of detail: the stage rule routes on
  // detail-type, so an event whose detail disagrees would otherwise reach the wrong topic.
  const busEvent = BusEventSchema.safeParse(json);
  if (!busEvent.success) return fail(toFieldIssues(busEvent.error.issues));
  return { ok: true, messageId: record.messageId, busEvent: busEvent.data };
}
