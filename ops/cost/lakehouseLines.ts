import { HOURS_PER_MONTH, type LakehouseAssumptions } from './assumptions.ts';
import { GB, KB, type LineContext, MB, TB, thousands } from './costLines.ts';
import type { LakehouseRegionPrices } from './lakehousePrices.ts';

/** Athena bills at least 10 MB per query, rounded up to the MB. */
const ATHENA_MIN_BYTES = 10 * MB;
/** Firehose Direct PUT rounds each record up to 5 KB outside Iceberg destinations. */
const FIREHOSE_RECORD_UNIT = 5 * KB;

/** Monthly quantities of the lakehouse store, derived once so each line reads one of them. */
export interface LakehouseUsage {
  readonly records: number;
  readonly ingestGb: number;
  /** Parquet bytes one record takes in the table. */
  readonly storedBytesPerRecord: number;
  /** The month's records as stored (the table grows by this each month kept). */
  readonly storedGb: number;
  /** Snapshot commits (one per Firehose flush). */
  readonly commits: number;
  /** Small objects Firehose writes: data and equality-delete files, and commit metadata. */
  readonly smallObjects: number;
  /** Data and delete files, which compaction merges. */
  readonly filesToCompact: number;
  readonly compactedGb: number;
  /** Mean objects stored over the month: target-size files plus small files awaiting snapshot expiry. */
  readonly objectsStored: number;
  readonly athenaQueries: number;
  readonly athenaBytesPerQuery: number;
  readonly athenaTb: number;
  readonly athenaGets: number;
}

export function lakehouseUsage(ctx: LineContext, l: LakehouseAssumptions): LakehouseUsage {
  const a = ctx.assumptions;
  const records = ctx.events * a.analyticsRecordsPerEvent;
  const ingestGb = (records * l.recordBytes) / GB;
  const storedBytesPerRecord = l.recordBytes / l.parquetCompressionRatio;
  const storedGb = (records * storedBytesPerRecord) / GB;
  // The interval, not the buffer size, ends each flush at this volume (tens of MB a minute < 128 MiB).
  const commits = (a.daysPerMonth * 86_400) / l.bufferIntervalSeconds;
  const dataFiles = commits * l.partitionsPerFlush;
  const filesToCompact = dataFiles * (1 + l.deleteFilesPerDataFile);
  const smallObjects = filesToCompact + commits * l.metadataObjectsPerCommit;
  const compactedGb = storedGb * l.compactionPassesPerByte;
  const targetFiles = (storedGb * GB) / (l.compactionTargetFileMb * MB);
  const objectsStored = targetFiles + smallObjects * Math.min(1, l.snapshotRetentionHours / HOURS_PER_MONTH);
  const athenaQueries = l.dashboardRefreshesPerDay * l.queriesPerRefresh * a.daysPerMonth;
  const scanned =
    l.daysScannedPerQuery * ctx.eventsPerDay * a.analyticsRecordsPerEvent * storedBytesPerRecord * l.columnShareScanned;
  const athenaBytesPerQuery = Math.ceil(Math.max(ATHENA_MIN_BYTES, scanned) / MB) * MB;
  const athenaTb = (athenaQueries * athenaBytesPerQuery) / TB;
  const athenaGets = athenaQueries * Math.ceil(athenaBytesPerQuery / l.athenaBytesPerGet);
  return {
    records,
    ingestGb,
    storedBytesPerRecord,
    storedGb,
    commits,
    smallObjects,
    filesToCompact,
    compactedGb,
    objectsStored,
    athenaQueries,
    athenaBytesPerQuery,
    athenaTb,
    athenaGets,
  };
}

/** Firehose into the Iceberg table, S3 Tables storage, requests and maintenance, Athena for the dashboards. */
export function addLakehouseLines(ctx: LineContext, prices: LakehouseRegionPrices, l: LakehouseAssumptions): void {
  const u = lakehouseUsage(ctx, l);
  if (l.firehoseBilling === 'iceberg') {
    ctx.add(
      'firehose',
      `Direct PUT into Iceberg (${l.recordBytes} B records)`,
      prices.firehoseIcebergIngestionPerGb,
      u.ingestGb,
    );
  } else {
    const billedBytes = Math.ceil(l.recordBytes / FIREHOSE_RECORD_UNIT) * FIREHOSE_RECORD_UNIT;
    ctx.add(
      'firehose',
      `Direct PUT, ${l.recordBytes} B records billed as ${billedBytes / KB} KB`,
      prices.firehoseDirectPutIngestionPerGb,
      (u.records * billedBytes) / GB,
    );
  }

  ctx.add(
    's3Tables',
    `storage (one month's records at ${Math.round(u.storedBytesPerRecord)} B; grows each month kept)`,
    prices.s3TablesStoragePerGbMonth,
    u.storedGb,
  );
  ctx.add(
    's3Tables',
    `PUT requests (${l.bufferIntervalSeconds} s flushes × ${l.partitionsPerFlush} partitions, deletes, metadata)`,
    prices.s3TablesPutPerThousand,
    thousands(u.smallObjects),
  );
  ctx.add(
    's3Tables',
    'GET requests (Athena reads, compaction)',
    prices.s3TablesGetPerThousand,
    thousands(u.athenaGets + u.filesToCompact),
  );
  ctx.add('s3Tables', 'object monitoring', prices.s3TablesMonitoringPerThousandObjects, thousands(u.objectsStored));
  ctx.add(
    's3Tables',
    'compaction: objects processed',
    prices.s3TablesCompactionPerThousandObjects,
    thousands(u.filesToCompact),
  );
  ctx.add(
    's3Tables',
    `compaction: bytes processed (${l.compactionPassesPerByte}× the stored bytes)`,
    prices.s3TablesCompactionPerGb,
    u.compactedGb,
  );

  ctx.add(
    'athena',
    `dashboard queries (${l.dashboardRefreshesPerDay} refreshes/day × ${l.queriesPerRefresh} × ` +
      `${(u.athenaBytesPerQuery / GB).toFixed(1)} GB scanned)`,
    prices.athenaPerTbScanned,
    u.athenaTb,
  );
}
