import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The pure parts of the page's browser modules (plain JavaScript in dashboards/assets/, which the
 * typecheck does not see): one unit per axis, ISO dates in a time zone, CSV. They are loaded by URL
 * so the test runs the very files the page loads.
 */
interface Scale {
  readonly unit: string;
  format(value: number): string;
}
interface FormatModule {
  durationUnit(maxMs: number): { unit: string; divisor: number };
  valueScale(maxValue: number, unit: string): Scale;
  maxShown(series: (number | null)[][], stacked: boolean): number;
  formatInstant(iso: string, options?: { zone?: string; withSeconds?: boolean; dateOnly?: boolean }): string;
  timeZone: { id: string };
}
interface CsvModule {
  toCsv(columns: { key: string; label: string; format: string }[], rows: Record<string, unknown>[]): string;
  csvField(value: unknown): string;
  csvFileName(view: string, panel: string, range: { from: string; to: string }): string;
}

const asset = (name: string) => new URL(`../../../dashboards/assets/${name}`, import.meta.url).href;
let format: FormatModule;
let csv: CsvModule;

beforeAll(async () => {
  format = (await import(asset('format.js'))) as FormatModule;
  csv = (await import(asset('csv.js'))) as CsvModule;
});

describe('one unit per axis', () => {
  it('writes every tick of a latency axis in the unit of its largest value', () => {
    const scale = format.valueScale(100_000, 'ms');
    expect([0, 50_000, 100_000].map(scale.format)).toEqual(['0 s', '50 s', '100 s']);
    expect(format.valueScale(800, 'ms').unit).toBe('ms');
    expect(format.valueScale(600_000, 'ms').unit).toBe('min');
    expect(format.valueScale(5 * 3_600_000, 'ms').unit).toBe('h');
  });

  it('never mixes units on one axis, whatever its ticks (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 8 }), (ticks) => {
        const scale = format.valueScale(Math.max(...ticks), 'ms');
        const units = new Set(ticks.map((t) => scale.format(t).split(' ')[1]));
        expect(units).toEqual(new Set([scale.unit]));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 ** 13 }), { minLength: 1, maxLength: 8 }), (ticks) => {
        const scale = format.valueScale(Math.max(...ticks), 'money');
        const suffixes = new Set(ticks.map((t) => scale.format(t).replace(/^[\d.]+/, '')));
        expect(suffixes).toEqual(new Set([scale.unit]));
      }),
    );
  });

  it('takes the stacked sum as the largest value of a stacked chart', () => {
    const series = [
      [1, 5],
      [4, 2],
    ];
    expect(format.maxShown(series, true)).toBe(7);
    expect(format.maxShown(series, false)).toBe(5);
  });
});

describe('ISO dates with a time zone', () => {
  it('writes YYYY-MM-DD HH:mm in UTC by default and in the zone chosen', () => {
    const at = '2026-12-06T03:00:00.000Z';
    expect(format.formatInstant(at)).toBe('2026-12-06 03:00');
    expect(format.formatInstant(at, { zone: 'Asia/Kolkata' })).toBe('2026-12-06 08:30');
    expect(format.formatInstant(at, { zone: 'America/New_York' })).toBe('2026-12-05 22:00');
    expect(format.formatInstant('2026-06-12T23:59:58.000Z', { withSeconds: true })).toBe('2026-06-12 23:59:58');
    expect(format.formatInstant(at, { dateOnly: true })).toBe('2026-12-06');
    expect(format.formatInstant('')).toBe('—');
  });

  it('follows the viewer’s zone choice', () => {
    format.timeZone.id = 'Europe/Berlin';
    try {
      expect(format.formatInstant('2026-07-01T00:00:00Z')).toBe('2026-07-01 02:00');
    } finally {
      format.timeZone.id = 'UTC';
    }
  });
});

describe('CSV export', () => {
  const columns = [
    { key: 'vendor', label: 'Vendor', format: 'text' },
    { key: 'total', label: 'Total, payable', format: 'money' },
    { key: 'p95', label: 'p95', format: 'ms' },
    { key: 'at', label: 'Last event', format: 'datetime' },
  ];

  it('quotes separators, quotes and line breaks, and keeps exact values with their units in the header', () => {
    const text = csv.toCsv(columns, [
      { vendor: 'Smith, "Jones"\nand Co', total: '9007199254740991.99', p95: 1250, at: '2026-12-06T03:00:07Z' },
      { vendor: 'Acme', total: '-12.50', p95: null, at: null },
    ]);
    expect(text).toBe(
      'Vendor,"Total, payable",p95 (ms),Last event (UTC)\r\n' +
        '"Smith, ""Jones""\nand Co",9007199254740991.99,1250,2026-12-06 03:00:07\r\n' +
        'Acme,-12.50,,\r\n',
    );
  });

  it('neutralises text that a spreadsheet would run as a formula, not negative numbers', () => {
    const text = csv.toCsv(columns.slice(0, 2), [
      { vendor: '=1+1', total: '-5.00' },
      { vendor: '@SUM(A1)', total: '1' },
    ]);
    expect(text.split('\r\n').slice(1, 3)).toEqual(["'=1+1,-5.00", "'@SUM(A1),1"]);
  });

  it('round-trips any text field through quoting (property)', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const field = csv.csvField(value);
        const unquoted = field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
        expect(unquoted).toBe(value);
        if (/[",\r\n]/.test(value)) expect(field.startsWith('"')).toBe(true);
      }),
    );
  });

  it('names the file after the view, the panel and the range', () => {
    expect(
      csv.csvFileName('finance', 'vendorValue', { from: '2026-12-05T03:00:00.000Z', to: '2026-12-06T03:00:00.000Z' }),
    ).toBe('bems-finance-vendorValue-20261205-0300-20261206-0300.csv');
  });
});
