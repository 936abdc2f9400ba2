import { HOURS_PER_MONTH } from './assumptions.ts';
import { GB, KB, type LineContext, millions } from './costLines.ts';
import type { RegionPrices } from './prices.ts';

/** Timestream for LiveAnalytics: writes and the memory and magnetic stores (queries are left out). */
export function addTimestreamLines(ctx: LineContext, prices: RegionPrices): void {
  const a = ctx.assumptions;
  // Timestream meters each record in 1 KB units whatever the WriteRecords batching.
  const records = ctx.events * a.analyticsRecordsPerEvent;
  ctx.add(
    'timestream',
    'writes (1 KB units)',
    prices.timestreamWritesPerMillion,
    millions(records * Math.ceil(a.timestreamRecordBytes / KB)),
  );
  const recordGbPerDay = (ctx.eventsPerDay * a.analyticsRecordsPerEvent * a.timestreamRecordBytes) / GB;
  const residentGb = recordGbPerDay * (a.timestreamMemoryRetentionHours / 24);
  ctx.add(
    'timestream',
    `memory store (${a.timestreamMemoryRetentionHours} h resident)`,
    prices.timestreamMemoryStorePerGbHour,
    residentGb * HOURS_PER_MONTH,
  );
  ctx.add(
    'timestream',
    "magnetic store (one month's records; grows each month kept)",
    prices.timestreamMagneticStorePerGbMonth,
    recordGbPerDay * a.daysPerMonth,
  );
}
