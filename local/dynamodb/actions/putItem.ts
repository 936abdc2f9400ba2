import { ValidationError } from '../errors.ts';
import { assertAttributeMap } from '../expressions/attributeValues.ts';
import {
  type ActionContext,
  type ActionInput,
  assertItemSize,
  checkCondition,
  existingTable,
  expressionInputs,
  itemKeyOf,
  refuseLegacyParameters,
  returnValues,
} from './input.ts';

/** PutItem: replaces the whole item, if the condition (on the item as it is) holds. */
export function putItem(input: ActionInput, { store }: ActionContext): unknown {
  refuseLegacyParameters(input, ['Expected', 'ConditionalOperator']);
  const table = existingTable(input, store);
  if (input.Item === undefined) {
    throw new ValidationError(
      "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null",
    );
  }
  assertAttributeMap(input.Item, 'Item');
  const item = input.Item;
  const itemKey = itemKeyOf(table, item, false);
  assertItemSize(item);
  const returned = returnValues(input, ['NONE', 'ALL_OLD']);
  const { placeholders, condition } = expressionInputs(input);
  placeholders.assertAllUsed();
  return store.transaction(() => {
    const existing = store.getItem(table.name, itemKey);
    checkCondition(input, condition, existing);
    store.putItem(table, itemKey, item);
    return returned === 'ALL_OLD' && existing ? { Attributes: existing } : {};
  });
}
