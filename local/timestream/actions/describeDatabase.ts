import type { ActionContext, ActionInput } from '../ActionContext.ts';
import { ResourceNotFoundError } from '../errors.ts';
import { resourceName } from '../readInput.ts';
import { databaseToWire } from '../toWire.ts';

export function describeDatabase(input: ActionInput, context: ActionContext): unknown {
  const name = resourceName(input, 'DatabaseName');
  const database = context.store.getDatabase(name);
  if (!database) throw new ResourceNotFoundError(name);
  return { Database: databaseToWire(database) };
}
