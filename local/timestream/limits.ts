/**
 * Timestream for LiveAnalytics service limits the emulator enforces, from the service quotas page
 * (docs.aws.amazon.com/timestream/latest/developerguide/ts-limits.html). Enforcing them locally
 * means a record that AWS would reject is rejected here too, before it reaches a deployed cell.
 */
export const TIMESTREAM_LIMITS = {
  /** WriteRecords: records per request. */
  maxRecordsPerWrite: 100,
  /** How far in the future a record's time may lie (system clock + 15 minutes). */
  futureIngestionMs: 15 * 60_000,
  memoryRetentionHours: { min: 1, max: 8766, default: 6 },
  magneticRetentionDays: { min: 1, max: 73_000, default: 73_000 },
  maxDimensionsPerRecord: 128,
  dimensionNameBytes: 60,
  dimensionValueBytes: 2048,
  measureNameBytes: 256,
  measureValueChars: 2048,
  maxMeasuresPerRecord: 256,
  /** Size of one record as metered by Timestream (time, names, values; numbers count 8 bytes). */
  maxRecordBytes: 2048,
  databaseNameChars: { min: 3, max: 256 },
  tableNameChars: { min: 3, max: 256 },
  /** ListDatabases and ListTables: `MaxResults` at most (and by default). */
  listMaxResults: 20,
} as const;

/** Names Timestream reserves for its own columns; dimensions and measures may not use them. */
export const RESERVED_COLUMN_NAMES = ['measure_name', 'measure_value', 'time'] as const;
export const RESERVED_COLUMN_PREFIXES = ['ts_', 'measure_value'] as const;

export const MEASURE_VALUE_TYPES = ['DOUBLE', 'BIGINT', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP'] as const;
export type ScalarMeasureType = (typeof MEASURE_VALUE_TYPES)[number];

export const TIME_UNITS = ['MILLISECONDS', 'SECONDS', 'MICROSECONDS', 'NANOSECONDS'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/** Database and table names: letters, digits, dash, underscore and dot. */
export const RESOURCE_NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
