import type { ActionContext, ActionInput } from '../ActionContext.ts';
import { ConflictError } from '../errors.ts';
import { resourceName } from '../readInput.ts';
import { databaseArn, databaseToWire } from '../toWire.ts';

/** CreateDatabase. KmsKeyId and Tags are accepted and ignored (no encryption or tagging locally). */
export function createDatabase(input: ActionInput, context: ActionContext): unknown {
  const name = resourceName(input, 'DatabaseName');
  const created = context.store.insertDatabase(
    name,
    databaseArn(context.region, context.accountId, name),
    context.nowMs,
  );
  if (!created) throw new ConflictError(`The database ${name} already exists.`);
  return { Database: databaseToWire(context.store.getDatabase(name)!) };
}
