import type { TableRow } from '../DynamoDBStore.ts';
import { ResourceNotFoundError, ValidationError } from '../errors.ts';
import { type AttributeMap, assertAttributeMap } from '../expressions/attributeValues.ts';
import { type ActionContext, type ActionInput, assertItemSize, itemKeyOf, read } from './input.ts';

/** DynamoDB's limit: 25 put or delete requests per call, across all tables. */
export const MAX_BATCH_WRITE_REQUESTS = 25;

type BatchWrite =
  | { readonly kind: 'put'; readonly table: TableRow; readonly itemKey: string; readonly item: AttributeMap }
  | { readonly kind: 'delete'; readonly table: TableRow; readonly itemKey: string };

/**
 * BatchWriteItem: unconditional puts and deletes, up to 25, validated whole before any is applied
 * (DynamoDB refuses the whole call on a bad request, an unknown table or a key named twice). They
 * are applied in one transaction — DynamoDB applies them one by one and may hand some back as
 * `UnprocessedItems` under throttling, which this emulator never does (it answers `{}`).
 */
export function batchWriteItem(input: ActionInput, { store }: ActionContext): unknown {
  const requestItems = read.requiredObject(input, 'RequestItems');
  const writes: BatchWrite[] = [];
  for (const [tableName, requests] of Object.entries(requestItems)) {
    if (!Array.isArray(requests)) throw read.malformed(`RequestItems.${tableName}`, 'a list');
    const table = store.table(tableName);
    if (!table) throw new ResourceNotFoundError(tableName);
    for (const request of requests) writes.push(batchWriteOf(table, request));
  }
  if (writes.length === 0 || writes.length > MAX_BATCH_WRITE_REQUESTS) {
    throw new ValidationError(
      writes.length === 0
        ? "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1"
        : 'Too many items requested for the BatchWriteItem call',
    );
  }
  const seen = new Set<string>();
  for (const write of writes) {
    const id = JSON.stringify([write.table.name, write.itemKey]);
    if (seen.has(id)) throw new ValidationError('Provided list of item keys contains duplicates');
    seen.add(id);
  }
  store.transaction(() => {
    for (const write of writes) {
      if (write.kind === 'put') store.putItem(write.table, write.itemKey, write.item);
      else store.deleteItem(write.table.name, write.itemKey);
    }
  });
  return { UnprocessedItems: {} };
}

/** One WriteRequest: exactly one of `PutRequest: { Item }` and `DeleteRequest: { Key }`. */
function batchWriteOf(table: TableRow, request: unknown): BatchWrite {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw read.malformed('WriteRequest', 'an object');
  }
  const { PutRequest: put, DeleteRequest: del } = request as Record<string, unknown>;
  if ((put === undefined) === (del === undefined)) {
    throw new ValidationError(
      'Supplied WriteRequest must contain exactly one of the supported request types: PutRequest, DeleteRequest',
    );
  }
  if (put !== undefined) {
    const item = read.requiredObject({ put } as ActionInput, 'put', 'PutRequest').Item;
    if (item === undefined) throw read.missing('item');
    assertAttributeMap(item, 'Item');
    assertItemSize(item);
    return { kind: 'put', table, itemKey: itemKeyOf(table, item, false), item };
  }
  const key = read.requiredObject({ del } as ActionInput, 'del', 'DeleteRequest').Key;
  if (key === undefined) throw read.missing('key');
  assertAttributeMap(key, 'Key');
  return { kind: 'delete', table, itemKey: itemKeyOf(table, key, true) };
}
