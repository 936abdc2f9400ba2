import { type ActionInput, InputReader } from '../../awsEmulator/index.ts';
import type { DynamoDBStore, TableRow } from '../DynamoDBStore.ts';
import { ConditionalCheckFailedError, ResourceNotFoundError, SerializationError, ValidationError } from '../errors.ts';
import {
  type AttributeMap,
  type AttributeValue,
  assertAttributeMap,
  itemSize,
  typeOf,
} from '../expressions/attributeValues.ts';
import { evaluateCondition } from '../expressions/evaluate.ts';
import type { Condition } from '../expressions/expressionTree.ts';
import { Placeholders } from '../expressions/Placeholders.ts';
import { parseCondition } from '../expressions/parseExpression.ts';

export type { ActionInput };

/** What an operation sees besides its input. */
export interface ActionContext {
  readonly store: DynamoDBStore;
  readonly nowMs: number;
  readonly region: string;
  readonly accountId: string;
}

/** DynamoDB's item size limit (400 KB, names included). */
export const MAX_ITEM_BYTES = 400 * 1024;

/** Readers for operation inputs, with AWS's validation wording. */
export const read = new InputReader({ invalid: ValidationError, malformed: SerializationError });

/** The table named by `TableName`, or ResourceNotFoundException. */
export function existingTable(input: ActionInput, store: DynamoDBStore): TableRow {
  const name = read.requiredString(input, 'TableName');
  const table = store.table(name);
  if (!table) throw new ResourceNotFoundError(name);
  return table;
}

/** Refuses the pre-expression parameters (Expected, AttributeUpdates, …) this emulator does not speak. */
export function refuseLegacyParameters(input: ActionInput, names: readonly string[]): void {
  for (const name of names) {
    if (input[name] !== undefined) {
      throw new ValidationError(`${name} is a legacy parameter this emulator does not support; use expressions`);
    }
  }
}

function keyMismatch(): ValidationError {
  return new ValidationError('The provided key element does not match the schema');
}

/**
 * The storage key of an item or a `Key`: its key attributes, checked against the table's schema
 * (DynamoDB's message for every mismatch is the same). `exact`: only key attributes allowed (a `Key`).
 */
export function itemKeyOf(table: TableRow, attributes: AttributeMap, exact: boolean): string {
  // No Map of the definitions and no local closures: this runs for every item of every request.
  const parts: string[] = [];
  for (const { AttributeName } of table.keySchema) {
    const value: AttributeValue | undefined = attributes[AttributeName];
    const keyType = table.attributeDefinitions.find((d) => d.AttributeName === AttributeName)?.AttributeType;
    if (!value) {
      if (exact) throw keyMismatch();
      throw new ValidationError(
        `One or more parameter values were invalid: Missing the key ${AttributeName} in the item`,
      );
    }
    const type = typeOf(value);
    if (type !== keyType) {
      if (exact) throw keyMismatch();
      throw new ValidationError(
        `One or more parameter values were invalid: Type mismatch for key ${AttributeName} expected: ${keyType} actual: ${type}`,
      );
    }
    const inner = (value as Record<string, string>)[type]!;
    if (inner === '') {
      throw new ValidationError(
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${AttributeName}`,
      );
    }
    parts.push(`${type}:${type === 'N' ? String(Number(inner)) : inner}`);
  }
  if (exact && Object.keys(attributes).length !== table.keySchema.length) throw keyMismatch();
  return JSON.stringify(parts);
}

export function keyMember(input: ActionInput, table: TableRow): { key: AttributeMap; itemKey: string } {
  const key = input.Key;
  if (key === undefined) throw read.missing('key');
  assertAttributeMap(key, 'Key');
  return { key, itemKey: itemKeyOf(table, key, true) };
}

/** The request's placeholders and its parsed ConditionExpression, if any. */
export function expressionInputs(input: ActionInput): { placeholders: Placeholders; condition: Condition | undefined } {
  const names = input.ExpressionAttributeNames;
  if (names !== undefined && (typeof names !== 'object' || names === null || Array.isArray(names))) {
    throw new SerializationError('ExpressionAttributeNames must be a map of strings');
  }
  const values = input.ExpressionAttributeValues;
  if (values !== undefined) assertAttributeMap(values, 'ExpressionAttributeValues');
  const placeholders = new Placeholders((names ?? {}) as Record<string, string>, (values ?? {}) as AttributeMap);
  const expression = read.optionalString(input, 'ConditionExpression');
  return { placeholders, condition: expression === undefined ? undefined : parseCondition(expression, placeholders) };
}

/** Throws ConditionalCheckFailedException when the condition is false for `existing`. */
export function checkCondition(
  input: ActionInput,
  condition: Condition | undefined,
  existing: AttributeMap | undefined,
): void {
  if (!condition || evaluateCondition(condition, existing)) return;
  const returnOld = read.optionalString(input, 'ReturnValuesOnConditionCheckFailure') === 'ALL_OLD';
  throw new ConditionalCheckFailedError(returnOld ? existing : undefined);
}

export function assertItemSize(item: AttributeMap): void {
  if (itemSize(item) > MAX_ITEM_BYTES) throw new ValidationError('Item size has exceeded the maximum allowed size');
}

/** `ReturnValues`, checked against what the operation allows. */
export function returnValues(input: ActionInput, allowed: readonly string[]): string {
  const value = read.optionalString(input, 'ReturnValues') ?? 'NONE';
  if (!allowed.includes(value)) {
    throw new ValidationError(
      `ReturnValues ${value} is not valid for this operation; use one of ${allowed.join(', ')}`,
    );
  }
  const onFailure = read.optionalString(input, 'ReturnValuesOnConditionCheckFailure') ?? 'NONE';
  if (onFailure !== 'NONE' && onFailure !== 'ALL_OLD') {
    throw new ValidationError(`ReturnValuesOnConditionCheckFailure must be NONE or ALL_OLD, got ${onFailure}`);
  }
  return value;
}

/** What a conditional write (PutItem, UpdateItem, DeleteItem) reads before it touches the item. */
export interface WriteRequest<K> {
  readonly table: TableRow;
  /** What `itemKey` read from the input (the `Key`, or the whole `Item`). */
  readonly key: K;
  readonly itemKey: string;
  /** `ReturnValues`, checked against what the operation allows. */
  readonly returned: string;
  readonly placeholders: Placeholders;
  readonly condition: Condition | undefined;
}

/**
 * Reads a conditional write in DynamoDB's order: refused legacy parameters, the table, the item's
 * key, `ReturnValues`, then the placeholders and the ConditionExpression.
 */
export function readWriteRequest<K>(
  input: ActionInput,
  store: DynamoDBStore,
  spec: {
    readonly legacy: readonly string[];
    readonly returnValues: readonly string[];
    readonly key: (table: TableRow) => { key: K; itemKey: string };
  },
): WriteRequest<K> {
  refuseLegacyParameters(input, spec.legacy);
  const table = existingTable(input, store);
  const { key, itemKey } = spec.key(table);
  const returned = returnValues(input, spec.returnValues);
  return { table, key, itemKey, returned, ...expressionInputs(input) };
}

/**
 * Runs `write` in one transaction with the item as it is, once the condition held on it: the
 * check and the write it allows commit together.
 */
export function writeIfCondition<T>(
  input: ActionInput,
  store: DynamoDBStore,
  request: WriteRequest<unknown>,
  write: (existing: AttributeMap | undefined) => T,
): T {
  return store.transaction(() => {
    const existing = store.getItem(request.table.name, request.itemKey);
    checkCondition(input, request.condition, existing);
    return write(existing);
  });
}
