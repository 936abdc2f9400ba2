import { ValidationError } from '../errors.ts';
import type { AttributeMap } from '../expressions/attributeValues.ts';
import { applyUpdate } from '../expressions/evaluate.ts';
import type { UpdateActions } from '../expressions/expressionTree.ts';
import { parseUpdate } from '../expressions/parseExpression.ts';
import {
  type ActionContext,
  type ActionInput,
  assertItemSize,
  keyMember,
  read,
  readWriteRequest,
  writeIfCondition,
} from './input.ts';

/**
 * UpdateItem: SET and REMOVE on the item, creating it (from its key) when it does not exist —
 * DynamoDB's upsert — if the condition on the item as it is holds.
 */
export function updateItem(input: ActionInput, { store }: ActionContext): unknown {
  const request = readWriteRequest(input, store, {
    legacy: ['Expected', 'ConditionalOperator', 'AttributeUpdates'],
    returnValues: ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'],
    key: (table) => keyMember(input, table),
  });
  const expression = read.optionalString(input, 'UpdateExpression');
  const actions: UpdateActions =
    expression === undefined ? { set: [], remove: [] } : parseUpdate(expression, request.placeholders);
  request.placeholders.assertAllUsed();
  const keyNames = request.table.keySchema.map((k) => k.AttributeName);
  return writeIfCondition(input, store, request, (existing) => {
    const updated = applyUpdate(existing ?? request.key, actions, keyNames);
    assertItemSize(updated);
    store.putItem(request.table, request.itemKey, updated);
    return attributesToReturn(request.returned, existing, updated, actions);
  });
}

function attributesToReturn(
  returned: string,
  existing: AttributeMap | undefined,
  updated: AttributeMap,
  actions: UpdateActions,
): unknown {
  const touched = new Set(
    [...actions.set.map((s) => s.path), ...actions.remove].flatMap((path) => {
      const top = path[0];
      return top && 'name' in top ? [top.name] : [];
    }),
  );
  const only = (item: AttributeMap | undefined) =>
    item ? Object.fromEntries(Object.entries(item).filter(([name]) => touched.has(name))) : undefined;
  const attributes = {
    NONE: undefined,
    ALL_OLD: existing,
    UPDATED_OLD: only(existing),
    ALL_NEW: updated,
    UPDATED_NEW: only(updated),
  }[returned];
  if (returned !== 'NONE' && attributes === undefined && returned.endsWith('OLD')) return {};
  if (attributes === undefined && returned !== 'NONE') throw new ValidationError(`unknown ReturnValues ${returned}`);
  return attributes && Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
}
