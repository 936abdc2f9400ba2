import { type ActionContext, type ActionInput, keyMember, readWriteRequest, writeIfCondition } from './input.ts';

/** DeleteItem: deleting an item that does not exist succeeds (unless a condition says otherwise). */
export function deleteItem(input: ActionInput, { store }: ActionContext): unknown {
  const request = readWriteRequest(input, store, {
    legacy: ['Expected', 'ConditionalOperator'],
    returnValues: ['NONE', 'ALL_OLD'],
    key: (table) => keyMember(input, table),
  });
  request.placeholders.assertAllUsed();
  return writeIfCondition(input, store, request, (existing) => {
    if (existing) store.deleteItem(request.table.name, request.itemKey);
    return request.returned === 'ALL_OLD' && existing ? { Attributes: existing } : {};
  });
}
