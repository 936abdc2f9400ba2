/**
 * Amazon Data Firehose limits the emulator enforces, from the API reference (PutRecordBatch,
 * PutRecord, CreateDeliveryStream, ListDeliveryStreams) and the quotas page
 * (docs.aws.amazon.com/firehose/latest/dev/limits.html). A call AWS would refuse is refused here
 * too, before it reaches a deployed cell.
 */
export const FIREHOSE_LIMITS = {
  /** PutRecordBatch: records per call ("These limits cannot be changed"). */
  maxRecordsPerBatch: 500,
  /** One record's data blob, before base64: 1,000 KiB. */
  maxRecordBytes: 1_000 * 1024,
  /** The data of one PutRecordBatch call, before base64: 4 MiB. */
  maxBatchBytes: 4 * 1024 * 1024,
  streamNameChars: { min: 1, max: 64 },
  /** Iceberg database and table names (DestinationTableConfiguration). */
  icebergNameChars: { min: 1, max: 255 },
  listLimit: { min: 1, max: 10_000, default: 10 },
} as const;

/** Delivery stream names: letters, digits, underscore, dot and dash. */
export const STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
/** Iceberg database and table names: letters, digits, dot and underscore. */
export const ICEBERG_NAME_PATTERN = /^[a-zA-Z0-9._]+$/;

/** What a record asks the Iceberg destination to do with it (Firehose's `operation` routing field). */
export const ICEBERG_OPERATIONS = ['insert', 'update', 'delete'] as const;
export type IcebergOperation = (typeof ICEBERG_OPERATIONS)[number];
