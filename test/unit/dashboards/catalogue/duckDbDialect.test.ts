import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { athenaToDuckDb, rewriteCalls, timestreamToDuckDb } from './duckDbDialect.ts';

/**
 * The translations give, on DuckDB, the answers Trino / Timestream document for these calls (the
 * seeded data of the catalogue test sits on whole minutes and midnights, where some of the
 * differences cannot show).
 */

const NOW = Date.parse('2026-11-18T07:30:30.500Z');
let query: (sql: string) => Promise<Record<string, unknown>>;
let close: () => void;

beforeAll(async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  query = async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson()[0]!;
  close = () => {
    connection.closeSync();
    instance.closeSync();
  };
});
afterAll(() => close?.());

describe('Athena → DuckDB', () => {
  it('date_diff counts whole units, as in Trino (DuckDB’s own counts boundaries crossed)', async () => {
    const sql = "SELECT date_diff('day', TIMESTAMP '2026-01-01 23:00:00', TIMESTAMP '2026-01-02 01:00:00') AS d";
    expect(await query(athenaToDuckDb(sql, NOW))).toEqual({ d: '0' });
    expect(await query(sql)).toEqual({ d: '1' });
  });

  it('now() is the test’s clock; approx_percentile, sequence and to_unixtime have DuckDB twins', async () => {
    const row = await query(
      athenaToDuckDb(
        'SELECT now() AS n, (SELECT approx_percentile(x, 0.5) FROM range(10) t(x)) AS p, ' +
          // len(): DuckDB's name for Trino's cardinality(), only in this probe.
          "len(sequence(TIMESTAMP '2026-01-01 00:00:00', TIMESTAMP '2026-01-01 01:00:00', INTERVAL '15' MINUTE)) AS c, " +
          "to_unixtime(TIMESTAMP '1970-01-02 00:00:00') AS u",
        NOW,
      ),
    );
    expect(row).toEqual({ n: '2026-11-18 07:30:30.5', p: '4', c: '5', u: 86400 });
  });

  it('leaves string literals and longer names alone', () => {
    expect(rewriteCalls("SELECT 'now()' , known(x), now()", 'now', () => 'NOW')).toBe("SELECT 'now()' , known(x), NOW");
  });
});

describe('Timestream → DuckDB', () => {
  it('ago, bin (aligned to the epoch), interval literals, from_/to_milliseconds', async () => {
    const row = await query(
      timestreamToDuckDb(
        'SELECT to_milliseconds(ago(1d)) AS a, to_milliseconds(bin(from_milliseconds(1000000), 15m)) AS b, ' +
          'len(sequence(bin(ago(1h), 15m), bin(now(), 15m), 15m)) AS c',
        NOW,
      ),
    );
    expect(row).toEqual({ a: String(NOW - 86_400_000), b: '900000', c: '5' });
  });
});
