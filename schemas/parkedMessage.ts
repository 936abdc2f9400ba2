import * as z from 'zod';
import { FailureRecordSchema } from './failureRecord.ts';

/**
 * A message an operator moved out of a DLQ (`bems dlq park`): everything needed to put it back
 * exactly as it was (body, message attributes, FIFO group and deduplication id), why it failed (its
 * failure record, copied: the table's record expires), and who parked it, when and why. Written by
 * the `bems` CLI into the cell's parked store (an S3 prefix on AWS, the data directory locally) and
 * read by the CLI and the stuck-event monitor (which closes an alert once its messages are parked).
 *
 * Its id is derived from the DLQ and the SQS message id, so parking the same message twice (a park
 * that crashed after the copy and before the delete, run again) writes the same copy once.
 *
 * @example { "version": 1, "id": "posting/recorder/5b1c2d3e-…", "cellId": "local", "stage": "posting",
 *   "consumer": "recorder", "dlq": "bems-local-posting-recorder-dlq.fifo", "source": "bems-local-posting-recorder.fifo",
 *   "fifo": true, "eventId": "7d1f…", "invoiceId": "INV-1",
 *   "message": { "messageId": "5b1c…", "body": "{…}", "groupId": "INV-1", "deduplicationId": "7d1f…",
 *     "attributes": { "stage": { "DataType": "String", "StringValue": "posting" } }, "receiveCount": 6,
 *     "redriveCount": 0, "sentAt": "…", "firstFailedAt": "…" },
 *   "failure": { "errorClass": "DownstreamError", … }, "parkedBy": "arn:aws:sts::111111111111:assumed-role/ops/alice",
 *   "parkedAt": "2026-12-07T10:00:00.000Z", "reason": "vendor V-9 unknown to the ERP; waiting for master data" }
 */
export const ParkedAttributeSchema = z.object({
  DataType: z.string(),
  StringValue: z.string().optional(),
  /** Base64 of a Binary attribute's bytes. */
  BinaryValue: z.string().optional(),
});

/** `<stage>/<consumer or "inbox">/<SQS message id>`: only characters safe in a file name and an S3 key. */
export const PARKED_ID_PATTERN = /^[a-z]+\/[a-z][a-z0-9-]{0,23}\/[A-Za-z0-9-]{1,100}$/;

export const ParkedMessageSchema = z.object({
  version: z.literal(1),
  id: z.string().regex(PARKED_ID_PATTERN),
  cellId: z.string(),
  stage: z.string(),
  consumer: z.string().optional(),
  dlq: z.string(),
  source: z.string(),
  fifo: z.boolean(),
  eventId: z.string().optional(),
  invoiceId: z.string().optional(),
  message: z.object({
    messageId: z.string(),
    body: z.string(),
    groupId: z.string().optional(),
    deduplicationId: z.string().optional(),
    attributes: z.record(z.string(), ParkedAttributeSchema),
    receiveCount: z.int(),
    redriveCount: z.int(),
    sentAt: z.string().optional(),
    firstFailedAt: z.string().optional(),
  }),
  /** The last failure recorded for this event in this queue, if one was. */
  failure: FailureRecordSchema.optional(),
  parkedBy: z.string().min(1),
  parkedAt: z.string(),
  reason: z.string().min(1),
});
export type ParkedMessage = z.infer<typeof ParkedMessageSchema>;

export const PARK_ACTIONS = ['park', 'restore', 'discard'] as const;

/**
 * What an operator did to parked messages, kept after the messages are gone: a discard leaves only
 * this. One record per command run.
 *
 * @example { "version": 1, "id": "2026-12-07T10:05:00.000Z-discard-k3j9", "action": "discard", "cellId": "local",
 *   "operator": "alice", "at": "2026-12-07T10:05:00.000Z", "reason": "duplicate of INV-1's corrected event",
 *   "parkedIds": ["posting/recorder/5b1c…"], "eventIds": ["7d1f…"] }
 */
export const AuditRecordSchema = z.object({
  version: z.literal(1),
  id: z.string().regex(/^[0-9TZ:.-]+-(park|restore|discard)-[a-z0-9]+$/),
  action: z.enum(PARK_ACTIONS),
  cellId: z.string(),
  operator: z.string().min(1),
  at: z.string(),
  reason: z.string().min(1),
  parkedIds: z.array(z.string()),
  eventIds: z.array(z.string()),
  /** restore: the queue the messages were put back on. */
  destination: z.string().optional(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
