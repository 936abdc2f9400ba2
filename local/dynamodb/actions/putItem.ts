import { type AttributeMap, assertAttributeMap } from '../expressions/attributeValues.ts';
import {
  type ActionContext,
  type ActionInput,
  assertItemSize,
  itemKeyOf,
  read,
  readWriteRequest,
  writeIfCondition,
} from './input.ts';

/** PutItem: replaces the whole item, if the condition (on the item as it is) holds. */
export function putItem(input: ActionInput, { store }: ActionContext): unknown {
  const request = readWriteRequest(input, store, {
    legacy: ['Expected', 'ConditionalOperator'],
    returnValues: ['NONE', 'ALL_OLD'],
    key: (table) => {
      if (input.Item === undefined) throw read.missing('item');
      assertAttributeMap(input.Item, 'Item');
      const item: AttributeMap = input.Item;
      const itemKey = itemKeyOf(table, item, false);
      assertItemSize(item);
      return { key: item, itemKey };
    },
  });
  request.placeholders.assertAllUsed();
  return writeIfCondition(input, store, request, (existing) => {
    store.putItem(request.table, request.itemKey, request.key);
    return request.returned === 'ALL_OLD' && existing ? { Attributes: existing } : {};
  });
}
