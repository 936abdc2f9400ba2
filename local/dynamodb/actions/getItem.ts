import { project } from '../expressions/evaluate.ts';
import { Placeholders } from '../expressions/Placeholders.ts';
import { parseProjection } from '../expressions/parseExpression.ts';
import { type ActionContext, type ActionInput, existingTable, keyMember, read } from './input.ts';

/** GetItem: reads are always consistent here (one SQLite file), so `ConsistentRead` changes nothing. */
export function getItem(input: ActionInput, { store }: ActionContext): unknown {
  const table = existingTable(input, store);
  const { itemKey } = keyMember(input, table);
  const projection = read.optionalString(input, 'ProjectionExpression');
  const placeholders = new Placeholders((input.ExpressionAttributeNames ?? {}) as Record<string, string>);
  const paths = projection === undefined ? undefined : parseProjection(projection, placeholders);
  placeholders.assertAllUsed();
  const item = store.getItem(table.name, itemKey);
  if (!item) return {};
  return { Item: paths ? project(item, paths) : item };
}
