/**
 * What the cost model assumes beyond request counts: sizes, Lambda shape, retention. Defaults live
 * here and only here; `estimateMonthlyCost` takes overrides.
 */
export interface CostAssumptions {
  /** Days in a billing month (AWS uses 730 hours). */
  readonly daysPerMonth: number;
  /**
   * Bytes of one event as it crosses EventBridge, SNS and SQS: the detail with server metadata in
   * the EventBridge envelope. A unit test checks a typical event stays below it.
   */
  readonly eventBytes: number;
  /** Bytes of one Timestream multi-measure record (dimensions + measures). */
  readonly timestreamRecordBytes: number;
  /** Timestream records written per event (one per consumer of the stage). */
  readonly timestreamRecordsPerEvent: number;
  /** Memory-store retention (cell definition `timestream.memoryRetentionHours`). */
  readonly timestreamMemoryRetentionHours: number;
  /** Share of SQS requests made on FIFO queues (analytic: inbox and consumer queue see the same pattern). */
  readonly sqsFifoShare: number;
  /** Lambda memory size and mean billed duration of one invocation (arm64). */
  readonly lambdaMemoryMb: number;
  readonly lambdaAvgDurationMs: number;
  /** CloudWatch Logs bytes per invocation: START/END/REPORT lines plus one structured summary line. */
  readonly logBytesPerInvocation: number;
  /**
   * KMS calls that do not scale with events: SQS/SNS server-side encryption reuses a data key for
   * `KmsDataKeyReusePeriodSeconds` (300 s) per queue/topic, so ~12 GenerateDataKey calls per hour each.
   */
  readonly kmsEncryptedResources: number;
  readonly kmsDataKeyReuseSeconds: number;
}

export const HOURS_PER_MONTH = 730;

export const DEFAULT_COST_ASSUMPTIONS: CostAssumptions = {
  daysPerMonth: HOURS_PER_MONTH / 24,
  eventBytes: 1_500,
  timestreamRecordBytes: 1_000,
  timestreamRecordsPerEvent: 1,
  timestreamMemoryRetentionHours: 24,
  sqsFifoShare: 0.5,
  lambdaMemoryMb: 512,
  lambdaAvgDurationMs: 60,
  logBytesPerInvocation: 700,
  // 4 stages × (inbox + inbox DLQ + topic + consumer queue + consumer DLQ)
  kmsEncryptedResources: 20,
  kmsDataKeyReuseSeconds: 300,
};
