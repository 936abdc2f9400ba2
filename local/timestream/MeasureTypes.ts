import type { StatementCache } from '../sqlite/StatementCache.ts';
import type { MeasureColumnType } from './normalizeRecord.ts';

/** A measure column written with another type than the one its first write fixed. */
export interface TypeConflict {
  readonly column: string;
  readonly existingType: string;
  readonly type: string;
}

/**
 * The type each measure column of a table got at its first write (Timestream fixes it: a later
 * record writing another type is rejected). Kept in `measure_types`, and in memory per table, so a
 * WriteRecords call does not read it once per measure. Used inside the store's write transaction.
 */
export class MeasureTypes {
  private readonly byTable = new Map<string, Map<string, string>>();

  constructor(private readonly statements: StatementCache) {}

  /** The first column of `columns` whose type differs from the table's, if any. */
  conflict(database: string, table: string, columns: readonly MeasureColumnType[]): TypeConflict | undefined {
    const known = this.of(database, table);
    for (const { column, type } of columns) {
      const existingType = known.get(column);
      if (existingType !== undefined && existingType !== type) return { column, existingType, type };
    }
    return undefined;
  }

  /** Fixes the types of the columns a record wrote for the first time. */
  record(database: string, table: string, columns: readonly MeasureColumnType[]): void {
    const known = this.of(database, table);
    const insert = this.statements.get(
      'INSERT OR IGNORE INTO measure_types (database_name, table_name, measure_column, type) VALUES (?, ?, ?, ?)',
    );
    for (const { column, type } of columns) {
      if (known.has(column)) continue;
      insert.run(database, table, column, type);
      known.set(column, type);
    }
  }

  /** Forgets what is in memory (after a rolled-back transaction: the table is the truth). */
  forget(): void {
    this.byTable.clear();
  }

  private of(database: string, table: string): Map<string, string> {
    const key = `${database}\u0000${table}`;
    let known = this.byTable.get(key);
    if (!known) {
      const rows = this.statements
        .get('SELECT measure_column, type FROM measure_types WHERE database_name = ? AND table_name = ?')
        .all(database, table);
      known = new Map(rows.map((row) => [String(row.measure_column), String(row.type)]));
      this.byTable.set(key, known);
    }
    return known;
  }
}

/** The column's name as a client wrote it: the measure name, or the multi-measure attribute. */
export function columnName(column: string): string {
  return column.slice(column.indexOf(':') + 1);
}
