import type { ActionContext, ActionInput } from '../ActionContext.ts';
import { resourceName } from '../readInput.ts';
import { tableToWire } from '../toWire.ts';
import { existingTable } from './existingTable.ts';

export function describeTable(input: ActionInput, context: ActionContext): unknown {
  const databaseName = resourceName(input, 'DatabaseName');
  const tableName = resourceName(input, 'TableName');
  return { Table: tableToWire(existingTable(context.store, databaseName, tableName)) };
}
