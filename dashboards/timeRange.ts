import type { FieldIssue } from '../schemas/errorResponse.ts';
import { DashboardQueryError } from './errors.ts';
import {
  BUCKET_IDS,
  BUCKETS,
  type BucketId,
  DEFAULT_RANGE,
  defaultBucket,
  MAX_POINTS,
  MAX_RANGE_MS,
  RANGE_PRESETS,
} from './views.ts';

/**
 * The window a view is computed over: `[fromMs, toMs)`, grouped into `bucketMs` intervals, and the
 * viewer's currency filter. The filter travels with the window so that every query built from it
 * (every source of `LocalSql`, the stuck rule, the batching keys) applies it: no panel can forget it.
 */
export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucket: BucketId;
  readonly bucketMs: number;
  /** Only invoices in this ISO 4217 currency; absent = every currency. */
  readonly currency?: string | undefined;
}

/** An ISO 4217 code as the contract accepts it (three capital letters). */
const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/** Query parameters as they arrive (`?from=&to=&bucket=&range=`). */
export interface TimeRangeParams {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly bucket?: string | undefined;
  /** A preset (`24h`, `7d`, …) used when `from` is absent. */
  readonly range?: string | undefined;
  /** The currency filter (`EUR`); absent or empty = every currency. */
  readonly currency?: string | undefined;
}

/** An ISO-8601 date-time, or epoch milliseconds (what the page sends). */
function parseInstant(value: string, field: string, issues: FieldIssue[]): number | undefined {
  if (/^\d{1,15}$/.test(value)) return Number(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  issues.push({
    path: field,
    message: 'must be an ISO-8601 date-time (e.g. 2026-11-28T09:30:00Z) or epoch milliseconds',
  });
  return undefined;
}

/**
 * Validates the range parameters, reporting every problem at once. Defaults: `to` = now, `from` = the
 * `range` preset (24 hours) before `to`, bucket chosen so the chart has about 120 points.
 */
export function parseTimeRange(params: TimeRangeParams, now: number = Date.now()): TimeRange {
  const issues: FieldIssue[] = [];
  const toMs = params.to ? parseInstant(params.to, 'to', issues) : now;
  let fromMs: number | undefined;
  if (params.from) {
    fromMs = parseInstant(params.from, 'from', issues);
  } else {
    const preset = RANGE_PRESETS.find((p) => p.id === (params.range ?? DEFAULT_RANGE));
    if (!preset) {
      issues.push({ path: 'range', message: `must be one of: ${RANGE_PRESETS.map((p) => p.id).join(', ')}` });
    } else if (toMs !== undefined) {
      fromMs = toMs - preset.ms;
    }
  }
  if (fromMs !== undefined && toMs !== undefined) {
    if (fromMs >= toMs) issues.push({ path: 'from', message: 'must be before to' });
    else if (toMs - fromMs > MAX_RANGE_MS) issues.push({ path: 'from', message: 'range must not exceed 366 days' });
  }
  let bucket: BucketId | undefined;
  if (params.bucket && params.bucket !== 'auto') {
    if ((BUCKET_IDS as string[]).includes(params.bucket)) bucket = params.bucket as BucketId;
    else issues.push({ path: 'bucket', message: `must be auto or one of: ${BUCKET_IDS.join(', ')}` });
  }
  if (issues.length === 0 && fromMs !== undefined && toMs !== undefined) {
    bucket ??= defaultBucket(toMs - fromMs);
    if (Math.ceil((toMs - fromMs) / BUCKETS[bucket]) > MAX_POINTS) {
      issues.push({
        path: 'bucket',
        message: `gives more than ${MAX_POINTS} intervals over this range; choose a larger one`,
      });
    }
  }
  const currency = params.currency || undefined;
  if (currency !== undefined && !CURRENCY_PATTERN.test(currency)) {
    issues.push({
      path: 'currency',
      message: 'must be an ISO 4217 code of three capital letters (e.g. EUR), or empty for all',
    });
  }
  if (issues.length > 0 || fromMs === undefined || toMs === undefined || bucket === undefined) {
    throw new DashboardQueryError(issues);
  }
  return { fromMs, toMs, bucket, bucketMs: BUCKETS[bucket], ...(currency ? { currency } : {}) };
}

/** Start of every bucket that overlaps `[fromMs, toMs)`, aligned to UTC multiples of the bucket. */
export function bucketStarts(range: TimeRange): number[] {
  const first = Math.floor(range.fromMs / range.bucketMs) * range.bucketMs;
  const starts: number[] = [];
  for (let start = first; start < range.toMs; start += range.bucketMs) starts.push(start);
  return starts;
}

/**
 * Axis label of a bucket in UTC, ISO 8601 (`2026-12-06 03:00`, `2026-12-06` for daily buckets): a
 * reader anywhere parses it one way. The page states the zone and may relabel in the viewer's zone.
 */
export function bucketLabel(startMs: number, bucketMs: number): string {
  const iso = new Date(startMs).toISOString();
  if (bucketMs >= BUCKETS['1d']) return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** The same range over every currency (the page's currency list is not narrowed by its own filter). */
export function allCurrencies(range: TimeRange): TimeRange {
  const { currency: _filter, ...unfiltered } = range;
  return unfiltered;
}
