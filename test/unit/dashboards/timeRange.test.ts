import { describe, expect, it } from 'vitest';
import { bucketLabel, bucketStarts, parseTimeRange } from '../../../dashboards/timeRange.ts';

const NOW = Date.parse('2026-11-28T09:30:00Z');
const HOUR = 3_600_000;

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return (error as { issues: { path: string; message: string }[] }).issues;
  }
  throw new Error('expected a DashboardQueryError');
}

describe('parseTimeRange', () => {
  it('defaults to the last 24 hours in hourly buckets', () => {
    expect(parseTimeRange({}, NOW)).toEqual({ fromMs: NOW - 24 * HOUR, toMs: NOW, bucket: '1h', bucketMs: HOUR });
  });

  it('accepts ISO instants and epoch milliseconds, and picks a bucket for about 60 points', () => {
    const range = parseTimeRange({ from: '2026-11-28T08:30:00Z', to: String(NOW) }, NOW);
    expect(range).toEqual({ fromMs: NOW - HOUR, toMs: NOW, bucket: '1m', bucketMs: 60_000 });
    expect(parseTimeRange({ range: '7d' }, NOW).bucket).toBe('6h');
    expect(parseTimeRange({ range: '30d' }, NOW).bucket).toBe('1d');
  });

  it('reports every problem at once with its parameter', () => {
    expect(issuesOf(() => parseTimeRange({ from: 'yesterday', to: 'now', bucket: '2m' }, NOW))).toEqual([
      { path: 'to', message: expect.stringMatching(/ISO-8601/) },
      { path: 'from', message: expect.stringMatching(/ISO-8601/) },
      { path: 'bucket', message: expect.stringMatching(/auto or one of: 1m, 5m/) },
    ]);
  });

  it('takes the currency filter with the range: a three-letter code, or empty for every currency', () => {
    expect(parseTimeRange({ currency: 'EUR' }, NOW).currency).toBe('EUR');
    expect(parseTimeRange({ currency: '' }, NOW)).not.toHaveProperty('currency');
    expect(issuesOf(() => parseTimeRange({ currency: 'eur', bucket: '2m' }, NOW))).toEqual([
      { path: 'bucket', message: expect.stringMatching(/auto or one of/) },
      { path: 'currency', message: expect.stringMatching(/ISO 4217/) },
    ]);
  });

  it('rejects an empty or reversed range, a range over 366 days and too many intervals', () => {
    expect(issuesOf(() => parseTimeRange({ from: String(NOW), to: String(NOW) }, NOW))).toEqual([
      { path: 'from', message: 'must be before to' },
    ]);
    expect(issuesOf(() => parseTimeRange({ from: String(NOW - 400 * 24 * HOUR) }, NOW))[0]?.message).toMatch(/366/);
    expect(issuesOf(() => parseTimeRange({ range: '30d', bucket: '1m' }, NOW))[0]).toMatchObject({ path: 'bucket' });
    expect(issuesOf(() => parseTimeRange({ range: '2h' }, NOW))[0]).toMatchObject({ path: 'range' });
  });
});

describe('bucketStarts and bucketLabel', () => {
  it('covers the range with UTC-aligned buckets, partial ones at the ends included', () => {
    const starts = bucketStarts({ fromMs: NOW - 2 * HOUR, toMs: NOW, bucket: '1h', bucketMs: HOUR });
    expect(starts.map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-11-28T07:00:00.000Z',
      '2026-11-28T08:00:00.000Z',
      '2026-11-28T09:00:00.000Z',
    ]);
  });

  it('labels intraday buckets with date and time, daily ones with the date', () => {
    expect(bucketLabel(Date.parse('2026-11-28T07:15:00Z'), 900_000)).toBe('2026-11-28 07:15');
    expect(bucketLabel(Date.parse('2026-11-28T00:00:00Z'), 24 * HOUR)).toBe('2026-11-28');
  });
});
