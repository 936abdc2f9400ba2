import type { ActionContext, ActionInput } from '../ActionContext.ts';
import { ResourceNotFoundError } from '../errors.ts';
import { resourceName } from '../readInput.ts';
import { tableToWire } from '../toWire.ts';
import { listPage } from './listPage.ts';

/** ListTables, of one database or (without DatabaseName) of all. */
export function listTables(input: ActionInput, context: ActionContext): unknown {
  const databaseName = input.DatabaseName === undefined ? undefined : resourceName(input, 'DatabaseName');
  if (databaseName !== undefined && !context.store.getDatabase(databaseName)) {
    throw new ResourceNotFoundError(databaseName);
  }
  const { page, nextToken } = listPage(context.store.listTables(databaseName), input);
  return { Tables: page.map(tableToWire), ...(nextToken ? { NextToken: nextToken } : {}) };
}
