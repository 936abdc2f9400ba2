import {
  type ActionContext,
  type ActionInput,
  checkCondition,
  existingTable,
  expressionInputs,
  keyMember,
  refuseLegacyParameters,
  returnValues,
} from './input.ts';

/** DeleteItem: deleting an item that does not exist succeeds (unless a condition says otherwise). */
export function deleteItem(input: ActionInput, { store }: ActionContext): unknown {
  refuseLegacyParameters(input, ['Expected', 'ConditionalOperator']);
  const table = existingTable(input, store);
  const { itemKey } = keyMember(input, table);
  const returned = returnValues(input, ['NONE', 'ALL_OLD']);
  const { placeholders, condition } = expressionInputs(input);
  placeholders.assertAllUsed();
  return store.transaction(() => {
    const existing = store.getItem(table.name, itemKey);
    checkCondition(input, condition, existing);
    if (existing) store.deleteItem(table.name, itemKey);
    return returned === 'ALL_OLD' && existing ? { Attributes: existing } : {};
  });
}
