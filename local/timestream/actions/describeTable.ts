import { ResourceNotFoundError } from '../errors.ts';
import { resourceName } from '../readInput.ts';
import type { ActionContext, ActionInput } from '../TimestreamRouter.ts';
import { tableToWire } from '../toWire.ts';

export function describeTable(input: ActionInput, context: ActionContext): unknown {
  const databaseName = resourceName(input, 'DatabaseName');
  const tableName = resourceName(input, 'TableName');
  const table = context.store.getTable(databaseName, tableName);
  if (!table) {
    throw context.store.getDatabase(databaseName)
      ? new ResourceNotFoundError(databaseName, tableName)
      : new ResourceNotFoundError(databaseName);
  }
  return { Table: tableToWire(table) };
}
