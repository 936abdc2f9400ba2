import { ResourceNotFoundError } from '../errors.ts';
import type { TableInfo, TimestreamStore } from '../TimestreamStore.ts';

/**
 * The table an action works on. A missing one is reported as Timestream does: the database when
 * that is missing too, otherwise the table.
 */
export function existingTable(store: TimestreamStore, databaseName: string, tableName: string): TableInfo {
  const table = store.getTable(databaseName, tableName);
  if (table) return table;
  throw store.getDatabase(databaseName)
    ? new ResourceNotFoundError(databaseName, tableName)
    : new ResourceNotFoundError(databaseName);
}
