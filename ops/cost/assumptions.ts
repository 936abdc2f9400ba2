import { referenceAnalyticsRecordBytes } from './analyticsRecordSize.ts';

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
  /** Analytics records written per event, in either store (one per consumer of the stage). */
  readonly analyticsRecordsPerEvent: number;
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
  analyticsRecordsPerEvent: 1,
  timestreamMemoryRetentionHours: 24,
  sqsFifoShare: 0.5,
  lambdaMemoryMb: 512,
  lambdaAvgDurationMs: 60,
  logBytesPerInvocation: 700,
  // 4 stages × (inbox + inbox DLQ + topic + consumer queue + consumer DLQ)
  kmsEncryptedResources: 20,
  kmsDataKeyReuseSeconds: 300,
};

/**
 * What the lakehouse store's price depends on besides volume: how Firehose writes into the Iceberg
 * table, how S3 Tables maintains it and how often the dashboards ask Athena. Defaults here only.
 */
export interface LakehouseAssumptions {
  /**
   * Bytes of one analytics record as Firehose receives it: the JSON line of a real record (the
   * consumer's mapping, `analyticsRecordSize.ts`). The only record-size figure of the lakehouse.
   */
  readonly recordBytes: number;
  /**
   * How Firehose bills ingestion: `iceberg` = per GB ingested with no 5 KB rounding (what AWS
   * states for Iceberg destinations); `direct-put-5kb` = the Direct PUT rate with every record
   * rounded up to 5 KB (the reading to budget with if the Iceberg rate does not apply).
   */
  readonly firehoseBilling: 'iceberg' | 'direct-put-5kb';
  /** Firehose buffering interval: each flush commits one snapshot (≤ 120 s visibility target). */
  readonly bufferIntervalSeconds: number;
  /** Partitions a flush writes to: the table is partitioned by day(time) and stage. */
  readonly partitionsPerFlush: number;
  /** Equality-delete files per data file: unique keys make every write an upsert. */
  readonly deleteFilesPerDataFile: number;
  /** Metadata objects per commit: manifest, manifest list, table metadata. */
  readonly metadataObjectsPerCommit: number;
  /** JSON bytes per Parquet byte once stored (zstd; the UUID-like ids compress least). */
  readonly parquetCompressionRatio: number;
  /** Times compaction processes each stored byte on its way to target-size files (binpack). */
  readonly compactionPassesPerByte: number;
  /** S3 Tables compaction target file size (the default). */
  readonly compactionTargetFileMb: number;
  /** Snapshots kept (S3 Tables `MaximumSnapshotAge`): small files stay stored until theirs expire. */
  readonly snapshotRetentionHours: number;
  /**
   * Dashboard refreshes a day: QuickSight direct query runs each visual's query on every refresh.
   * Default: the three dashboards refreshed every 15 minutes over a 10-hour working day.
   */
  readonly dashboardRefreshesPerDay: number;
  /** Athena queries one refresh of the three dashboards runs (30 visuals, 2 of them on SPICE). */
  readonly queriesPerRefresh: number;
  /** Daily partitions a query reads: the 24-hour default range plus its comparison day. */
  readonly daysScannedPerQuery: number;
  /** Share of a row's stored bytes a dashboard query reads (Parquet reads only the columns used). */
  readonly columnShareScanned: number;
  /** Bytes Athena reads per S3 GET (ranged reads of row groups). */
  readonly athenaBytesPerGet: number;
}

export const DEFAULT_LAKEHOUSE_ASSUMPTIONS: LakehouseAssumptions = {
  recordBytes: referenceAnalyticsRecordBytes(),
  firehoseBilling: 'iceberg',
  bufferIntervalSeconds: 60,
  partitionsPerFlush: 4,
  deleteFilesPerDataFile: 1,
  metadataObjectsPerCommit: 3,
  parquetCompressionRatio: 4,
  compactionPassesPerByte: 2,
  compactionTargetFileMb: 512,
  snapshotRetentionHours: 120,
  dashboardRefreshesPerDay: 40,
  queriesPerRefresh: 28,
  daysScannedPerQuery: 2,
  columnShareScanned: 0.5,
  athenaBytesPerGet: 8 * 1024 ** 2,
};
