import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';

/**
 * Prepared statements of one connection, by SQL text, prepared on first use. Preparing is a
 * large share of a small statement's cost, and the stores run the same few statements on every
 * request.
 */
export class StatementCache {
  private readonly statements = new Map<string, StatementSync>();

  constructor(private readonly db: DatabaseSync) {}

  get(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** The first row `sql` returns for `params`; undefined when there is none. */
  first(sql: string, ...params: SQLInputValue[]): Record<string, SQLOutputValue> | undefined {
    return this.get(sql).get(...params);
  }

  /** Forgets every statement (before the connection is closed). */
  clear(): void {
    this.statements.clear();
  }
}
