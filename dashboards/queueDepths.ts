/**
 * One queue as the operations view shows it: messages waiting, in flight, and parked in its DLQ.
 * The local cell reports these from its SQS emulator; on AWS the same numbers are CloudWatch's
 * `ApproximateNumberOfMessages*` metrics.
 */
export interface QueueDepth {
  /** Short name for the table, e.g. "posting inbox" or "posting / recorder". */
  readonly label: string;
  readonly queueName: string;
  readonly stage: string | null;
  readonly waiting: number;
  readonly inFlight: number;
  /** Messages in this queue's dead-letter queue. */
  readonly dlq: number;
}
