import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inImmediateTransaction } from '../../../../local/sqlite/inImmediateTransaction.ts';
import { StatementCache } from '../../../../local/sqlite/StatementCache.ts';

describe('shared SQLite helpers', () => {
  let db: DatabaseSync;

  beforeEach(() => {
    db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (n INTEGER NOT NULL)');
  });
  afterEach(() => db.close());

  const count = () => Number(db.prepare('SELECT COUNT(*) AS n FROM t').get()?.n);

  it('commits what the work wrote and returns its result', () => {
    // Act
    const result = inImmediateTransaction(db, () => {
      db.prepare('INSERT INTO t (n) VALUES (1), (2)').run();
      return 'done';
    });

    // Assess
    expect(result).toBe('done');
    expect(db.isTransaction).toBe(false);
    expect(count()).toBe(2);
  });

  it('rolls back everything when the work throws, and rethrows the original error', () => {
    // Prepare
    const failure = new Error('second insert failed');

    // Act
    const run = () =>
      inImmediateTransaction(db, () => {
        db.prepare('INSERT INTO t (n) VALUES (1)').run();
        throw failure;
      });

    // Assess
    expect(run).toThrow(failure);
    expect(db.isTransaction).toBe(false);
    expect(count()).toBe(0);
  });

  it('keeps the original error when SQLite already ended the transaction itself', () => {
    // Act: a constraint failure inside work that also ends the transaction explicitly
    const run = () =>
      inImmediateTransaction(db, () => {
        db.exec('ROLLBACK');
        db.prepare('INSERT INTO t (n) VALUES (NULL)').run();
      });

    // Assess
    expect(run).toThrow(/NOT NULL/);
    expect(db.isTransaction).toBe(false);
  });

  it('prepares a statement once per SQL text and forgets them on clear()', () => {
    // Prepare
    const cache = new StatementCache(db);
    const sql = 'SELECT COUNT(*) AS n FROM t';

    // Act
    const first = cache.get(sql);
    const again = cache.get(sql);
    const other = cache.get('SELECT 1 AS one');
    cache.clear();
    const afterClear = cache.get(sql);

    // Assess
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(afterClear).not.toBe(first);
    expect(cache.first(sql)).toEqual({ n: 0 });
    expect(cache.first('SELECT n FROM t')).toBeUndefined();
  });
});
