/**
 * Message attributes that travel on BEMS's SNS and SQS messages: the contract between the code that
 * sets them and the code (or subscription filter policy) that reads them.
 */

/**
 * Attributes every stage-topic message carries, set by the forwarder (`handlers/forward`) for
 * subscription filter policies (a consumer may subscribe to, say, only `status = escalated`). With
 * raw delivery they arrive at the consumer (`handlers/consume`) as SQS message attributes.
 * `replayName` is present only for events re-sent from the archive.
 *
 * @example
 * { "stage": { "DataType": "String", "StringValue": "posting" },
 *   "status": { "DataType": "String", "StringValue": "posted" },
 *   "currency": { "DataType": "String", "StringValue": "EUR" },
 *   "vendorId": { "DataType": "String", "StringValue": "V-1001" } }
 */
export const MESSAGE_ATTRIBUTES = {
  stage: 'stage',
  status: 'status',
  currency: 'currency',
  vendorId: 'vendorId',
  replayName: 'replayName',
} as const;
export type MessageAttributeName = (typeof MESSAGE_ATTRIBUTES)[keyof typeof MESSAGE_ATTRIBUTES];

/**
 * Attributes BEMS adds when it moves a message out of a DLQ (the redrive engine, used by the monitor
 * and the `bems` CLI), and reads back at the next redrive. They travel with the message: SQS keeps
 * message attributes when it moves a message to a DLQ again, so the redrive history of a message is
 * on the message itself, not in a table that could disagree with the queue.
 *
 * @example
 * { "bems-redrive-count": { "DataType": "Number", "StringValue": "2" },
 *   "bems-first-failed-at": { "DataType": "Number", "StringValue": "1795860000000" } }
 */
export const REDRIVE_ATTRIBUTES = {
  /** How many times the message was redriven so far (Number). */
  count: 'bems-redrive-count',
  /** Epoch ms of the first failure: kept from the first time the message reached a DLQ (Number). */
  firstFailedAt: 'bems-first-failed-at',
} as const;
