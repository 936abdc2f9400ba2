import type { DatabaseSync } from 'node:sqlite';

/**
 * Runs `work` in a `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so a busy
 * database fails at BEGIN rather than halfway through. Commits when `work` returns, rolls back
 * (if SQLite has not already) when it throws, and rethrows the original error.
 */
export function inImmediateTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
