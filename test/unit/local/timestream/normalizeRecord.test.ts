import type { _Record } from '@aws-sdk/client-timestream-write';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESERVED_COLUMN_NAMES, RESERVED_COLUMN_PREFIXES } from '../../../../local/timestream/limits.ts';
import { normalizeRecord } from '../../../../local/timestream/normalizeRecord.ts';
import { BEMS_COMMON_ATTRIBUTES, bemsRecord, bemsRecordForCommon } from './bemsRecords.ts';

const NOW = String(Date.UTC(2026, 10, 28, 9, 30));

function ok(record: unknown, common?: _Record) {
  const result = normalizeRecord(record, common as Record<string, unknown> | undefined);
  if (!result.ok) throw new Error(`expected a valid record, got: ${result.reason}`);
  return result.record;
}

function reason(record: unknown, common?: _Record): string {
  const result = normalizeRecord(record, common as Record<string, unknown> | undefined);
  if (result.ok) throw new Error('expected the record to be rejected');
  return result.reason;
}

const multi = (
  measures: Array<{ Name: string; Value: string; Type: string }>,
  extra: Record<string, unknown> = {},
) => ({
  Dimensions: [{ Name: 'host', Value: 'a' }],
  MeasureName: 'm',
  MeasureValueType: 'MULTI',
  MeasureValues: measures,
  Time: NOW,
  ...extra,
});

describe('normalizeRecord', () => {
  it('merges CommonAttributes into a record to the same result as the full record', () => {
    const spec = { invoiceId: 'INV-1', eventId: '5c0e3e2c-3a3c-4c1e-9a47-0b6f4f0c1d2e', occurredAtMs: Number(NOW) };
    const merged = ok(bemsRecordForCommon(spec), BEMS_COMMON_ATTRIBUTES);
    const full = ok(bemsRecord(spec));
    expect(merged).toEqual(full);
    expect(JSON.parse(merged.dimensionsJson)).toMatchObject({
      cell: 'local',
      region: 'eu-west-1',
      invoice_id: 'INV-1',
    });
  });

  it('lets record attributes win over common ones, and concatenates MULTI measure values', () => {
    const common = {
      MeasureName: 'common',
      Version: 7,
      MeasureValueType: 'MULTI',
      MeasureValues: [{ Name: 'a', Value: '1', Type: 'BIGINT' }],
    } as _Record;
    const record = ok(
      { MeasureName: 'own', Time: NOW, MeasureValues: [{ Name: 'b', Value: 'x', Type: 'VARCHAR' }] },
      common,
    );
    expect(record.measureName).toBe('own');
    expect(record.version).toBe(7);
    expect(JSON.parse(record.measuresJson)).toEqual({
      a: { type: 'BIGINT', value: '1' },
      b: { type: 'VARCHAR', value: 'x' },
    });
  });

  it('produces the same identity and measures whatever the order of dimensions and measures', () => {
    const a = ok(
      multi(
        [
          { Name: 'x', Value: '1', Type: 'DOUBLE' },
          { Name: 'y', Value: 'v', Type: 'VARCHAR' },
        ],
        {
          Dimensions: [
            { Name: 'b', Value: '2' },
            { Name: 'a', Value: '1' },
          ],
        },
      ),
    );
    const b = ok(
      multi(
        [
          { Name: 'y', Value: 'v', Type: 'VARCHAR' },
          { Name: 'x', Value: '1', Type: 'DOUBLE' },
        ],
        {
          Dimensions: [
            { Name: 'a', Value: '1' },
            { Name: 'b', Value: '2' },
          ],
        },
      ),
    );
    expect(a).toEqual(b);
  });

  it.each([
    ['DOUBLE', '1250.50', '1250.5'],
    ['DOUBLE', '-0.0', '0'],
    ['DOUBLE', '1e3', '1000'],
    ['BIGINT', '+007', '7'],
    ['BIGINT', '9223372036854775807', '9223372036854775807'],
    ['BIGINT', '-000000000000042', '-42'],
    ['BIGINT', '-0', '0'],
    ['BIGINT', '+123456789012345', '123456789012345'],
    ['BIGINT', '-9223372036854775808', '-9223372036854775808'],
    ['TIMESTAMP', '0001764322200000', '1764322200000'],
    ['TIMESTAMP', '99999999999999999999', '99999999999999999999'],
    ['BOOLEAN', 'TRUE', 'true'],
    ['VARCHAR', ' spaced ', ' spaced '],
    ['TIMESTAMP', '1764322200000', '1764322200000'],
  ])('canonicalises a %s value %j to %j', (type, value, expected) => {
    const record = ok(multi([{ Name: 'v', Value: value, Type: type }]));
    expect(JSON.parse(record.measuresJson).v).toEqual({ type, value: expected });
  });

  it('reads Time and TIMESTAMP values in the record TimeUnit', () => {
    const seconds = ok(
      multi([{ Name: 'at', Value: '1764322200', Type: 'TIMESTAMP' }], { Time: '1764322200', TimeUnit: 'SECONDS' }),
    );
    const nanos = ok(
      multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], { Time: '1764322200000123456', TimeUnit: 'NANOSECONDS' }),
    );
    expect(seconds.timeMs).toBe(1_764_322_200_000);
    expect(JSON.parse(seconds.measuresJson).at.value).toBe('1764322200000');
    expect(nanos).toMatchObject({ timeMs: 1_764_322_200_000, timeSubMsNs: 123_456 });
  });

  it('reads millisecond Times of any length exactly, with or without leading zeros', () => {
    const at = (Time: string) => ok(multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], { Time }));
    expect(at('0001764322200000')).toMatchObject({ timeMs: 1_764_322_200_000, timeSubMsNs: 0 });
    expect(at('999999999999999')).toMatchObject({ timeMs: 999_999_999_999_999, timeSubMsNs: 0 });
    // Beyond 2^53 the value is a double, as before: what matters is that it is the same double.
    expect(at('99999999999999999999').timeMs).toBe(Number(99999999999999999999n));
  });

  it('stores dimensions and measures as JSON with sorted keys, whatever the names', () => {
    // Reference: the objects built from code-unit-sorted entries, as JSON.stringify writes them
    // (JavaScript puts array-index keys like "7" first; stored identities depend on that order).
    const sortedJson = (entries: Array<[string, unknown]>) =>
      JSON.stringify(Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
    // Names Timestream accepts: reserved names and prefixes are rejections, tested on their own.
    const name = fc
      .oneof(
        fc.constantFrom('7', '10', '0', '01', '4294967295', '__proto__', 'constructor', 'é', 'Z', 'a"b', 'a\\b'),
        fc.stringMatching(/^[a-z0-9_]{1,6}$/),
      )
      .filter(
        (n) =>
          !(RESERVED_COLUMN_NAMES as readonly string[]).includes(n) &&
          !RESERVED_COLUMN_PREFIXES.some((p) => n.startsWith(p)),
      );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, fc.string({ minLength: 1, maxLength: 4 })), {
          selector: ([n]) => n,
          maxLength: 8,
        }),
        fc.uniqueArray(fc.tuple(name, fc.string({ minLength: 1, maxLength: 4 })), {
          selector: ([n]) => n,
          minLength: 1,
          maxLength: 8,
        }),
        (dims, values) => {
          const measures = values.map(([n, v]): [string, string] => [`m_${n}`, v]);
          // A measure named like a dimension is a rejected record, not what this property is about.
          fc.pre(!measures.some(([measure]) => dims.some(([dimension]) => dimension === measure)));
          const record = ok({
            Dimensions: dims.map(([Name, Value]) => ({ Name, Value })),
            MeasureName: 'm',
            MeasureValueType: 'MULTI',
            MeasureValues: measures.map(([Name, Value]) => ({ Name, Value, Type: 'VARCHAR' })),
            Time: NOW,
          });
          expect(record.dimensionsJson).toBe(sortedJson(dims));
          expect(record.measuresJson).toBe(sortedJson(measures.map(([n, v]) => [n, { type: 'VARCHAR', value: v }])));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a record whose measure is named like one of its dimensions (found by the property above)', () => {
    const why = reason({
      Dimensions: [{ Name: 'm___', Value: ' ' }],
      MeasureName: 'm',
      MeasureValueType: 'MULTI',
      MeasureValues: [{ Name: 'm___', Value: ' ', Type: 'VARCHAR' }],
      Time: NOW,
    });
    expect(why).toMatch(/m___/);
  });

  it('defaults Version to 1 and MeasureValueType to DOUBLE', () => {
    const record = ok({ MeasureName: 'cpu', MeasureValue: '0.5', Time: NOW });
    expect(record.version).toBe(1);
    expect(JSON.parse(record.measuresJson)).toEqual({ measure_value: { type: 'DOUBLE', value: '0.5' } });
  });

  it.each([
    ['no Time', { ...multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }]), Time: undefined }, 'Time is required'],
    [
      'a Time that is not an integer',
      { ...multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }]), Time: '12.5' },
      'must be a non-negative integer',
    ],
    ['an unknown TimeUnit', multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], { TimeUnit: 'DAYS' }), 'TimeUnit'],
    [
      'no MeasureName',
      multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], { MeasureName: '' }),
      'MeasureName is required',
    ],
    ['a DOUBLE that is not a number', multi([{ Name: 'v', Value: 'NaN', Type: 'DOUBLE' }]), 'not a valid DOUBLE'],
    [
      'a BIGINT beyond 64 bits',
      multi([{ Name: 'v', Value: '9223372036854775808', Type: 'BIGINT' }]),
      'not a valid BIGINT',
    ],
    ['a BOOLEAN that is not true/false', multi([{ Name: 'v', Value: '1', Type: 'BOOLEAN' }]), 'not a valid BOOLEAN'],
    [
      'a TIMESTAMP that is not epoch digits',
      multi([{ Name: 'v', Value: '2026-11-28', Type: 'TIMESTAMP' }]),
      'not a valid TIMESTAMP',
    ],
    ['an unknown measure type', multi([{ Name: 'v', Value: '1', Type: 'INT' }]), "type 'INT'"],
    ['an empty measure value', multi([{ Name: 'v', Value: '', Type: 'VARCHAR' }]), 'non-empty'],
    [
      'a duplicate measure name',
      multi([
        { Name: 'v', Value: '1', Type: 'BIGINT' },
        { Name: 'v', Value: '2', Type: 'BIGINT' },
      ]),
      'more than once',
    ],
    ['a measure named like a dimension', multi([{ Name: 'host', Value: '1', Type: 'BIGINT' }]), 'both as a dimension'],
    ['MULTI without measure values', multi([]), 'must not be empty'],
    [
      'MULTI with a MeasureValue',
      multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], { MeasureValue: '1' }),
      'MeasureValue must not be set',
    ],
    [
      'a reserved dimension name',
      multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], { Dimensions: [{ Name: 'time', Value: 'x' }] }),
      'reserved',
    ],
    [
      'a dimension name with a colon',
      multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], { Dimensions: [{ Name: 'a:b', Value: 'x' }] }),
      "':'",
    ],
    [
      'a dimension name over 60 bytes',
      multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], { Dimensions: [{ Name: 'd'.repeat(61), Value: 'x' }] }),
      '60 bytes',
    ],
    [
      'an empty dimension value',
      multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], { Dimensions: [{ Name: 'd', Value: '' }] }),
      'empty value',
    ],
    [
      'a non-VARCHAR dimension',
      multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], {
        Dimensions: [{ Name: 'd', Value: '1', DimensionValueType: 'BIGINT' }],
      }),
      'VARCHAR',
    ],
    [
      'a duplicate dimension',
      multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], {
        Dimensions: [
          { Name: 'd', Value: '1' },
          { Name: 'd', Value: '2' },
        ],
      }),
      'more than once',
    ],
    [
      'a record over 2 KB',
      multi([{ Name: 'v', Value: 'x'.repeat(2040), Type: 'VARCHAR' }]),
      'exceeds the maximum of 2048 bytes',
    ],
    ['a negative Version', multi([{ Name: 'v', Value: '1', Type: 'BIGINT' }], { Version: -1 }), 'Version'],
    ['a record that is not an object', 'nope', 'must be an object'],
  ])('rejects %s', (_name, record, expected) => {
    expect(reason(record)).toContain(expected);
  });

  it('reports a dimension set both in CommonAttributes and in the record as a request-level problem', () => {
    const result = normalizeRecord(bemsRecord(), BEMS_COMMON_ATTRIBUTES as Record<string, unknown>);
    expect(result).toMatchObject({ ok: false, requestLevel: true, reason: expect.stringContaining("'cell'") });
  });

  it('accepts a BEMS record with a 200-character multi-byte vendor name within the 2 KB limit', () => {
    const record = bemsRecord();
    const named = {
      ...record,
      MeasureValues: record.MeasureValues!.map((m) =>
        m.Name === 'vendor_name' ? { ...m, Value: 'ä'.repeat(200) } : m,
      ),
    };
    expect(normalizeRecord(named, undefined).ok).toBe(true);
  });
});
