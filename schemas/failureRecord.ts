import * as z from 'zod';

/**
 * Why a record failed, kept beside its message: SQS cannot change a message's attributes when it is
 * delivered again, so the reason cannot travel *on* the message. The consume and forward functions
 * write one failure record per failed event and queue (its last failure; `attempt` is SQS's receive
 * count), and `bems dlq peek` / `bems parked show` read it by the message's event. Stored in the
 * cell's failure table (DynamoDB; `cells/constructs/DlqRecoveryStore.ts`, the local cell's DynamoDB
 * emulator); see docs/adr/0017-failure-records-and-the-parked-store.md.
 *
 * @example { "eventId": "7d1f0c1e-…", "route": "posting/recorder", "stage": "posting", "consumer": "recorder",
 *   "invoiceId": "INV-1", "messageId": "5b1c…", "errorClass": "DownstreamError",
 *   "errorMessage": "Timestream WriteRecords failed (ServiceUnavailable, transient): …", "kind": "transient",
 *   "attempt": 3, "firstFailedAt": "2026-12-07T09:30:00.000Z", "lastFailedAt": "2026-12-07T09:31:10.000Z",
 *   "expiresAt": 1797590000 }
 */
export const FAILURE_RECORD = {
  /** Partition key (string): the eventId, or `message:<messageId>` for a body without one. */
  partitionKey: 'eventId',
  /** Sort key (string): the queue the record failed in, `<stage>/<consumer>` or `<stage>/inbox`. */
  sortKey: 'route',
  /** Epoch seconds after which DynamoDB deletes the record: the table's TTL attribute. */
  ttlAttribute: 'expiresAt',
  /**
   * Days a record is kept after its last failure: one more than the longest an SQS queue keeps a
   * message (14 days), so a record outlives the DLQ message it explains. A parked copy keeps its own.
   */
  retentionDays: 15,
} as const;

/** The error's message is cut to this many characters: enough to act on, small enough for a log line. */
export const FAILURE_MESSAGE_MAX = 1000;

export const FailureRecordSchema = z.object({
  eventId: z.string().min(1),
  route: z.string().min(1),
  stage: z.string().min(1),
  /** The consumer whose queue it failed in; absent for a stage inbox (the forward function). */
  consumer: z.string().optional(),
  invoiceId: z.string().optional(),
  messageId: z.string(),
  /** The error's class (`DownstreamError`, `MalformedMessageError`, `InjectedFault`, …). */
  errorClass: z.string(),
  errorMessage: z.string(),
  /** transient: may succeed on a retry; permanent: will fail the same way every time. */
  kind: z.enum(['transient', 'permanent']),
  /** The delivery that failed (SQS ApproximateReceiveCount). */
  attempt: z.int().min(1),
  firstFailedAt: z.string(),
  lastFailedAt: z.string(),
  expiresAt: z.int(),
});
export type FailureRecord = z.infer<typeof FailureRecordSchema>;

/** The route label of a queue: `posting/recorder`, or `posting/inbox` for the stage inbox. */
export function failureRoute(stage: string, consumer: string | undefined): string {
  return `${stage}/${consumer ?? 'inbox'}`;
}

/** The partition key of a message's failure record: its eventId, else its SQS message id. */
export function failureKey(eventId: string | undefined, messageId: string): string {
  return eventId ?? `message:${messageId}`;
}
