import type { ActionContext, ActionInput } from '../ActionContext.ts';
import { databaseToWire } from '../toWire.ts';
import { listPage } from './listPage.ts';

/** ListDatabases: every database of the account (here: of this emulator), by name. */
export function listDatabases(input: ActionInput, context: ActionContext): unknown {
  const { page, nextToken } = listPage(context.store.listDatabases(), input);
  return { Databases: page.map(databaseToWire), ...(nextToken ? { NextToken: nextToken } : {}) };
}
