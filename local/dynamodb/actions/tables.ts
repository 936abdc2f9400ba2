import { memberName } from '../../awsEmulator/index.ts';
import type { AttributeDefinition, DynamoDBStore, KeySchemaElement, TableRow } from '../DynamoDBStore.ts';
import { ResourceInUseError, SerializationError, ValidationError } from '../errors.ts';
import { type ActionContext, type ActionInput, existingTable, read } from './input.ts';

/**
 * The control plane the local cell and the tests need: CreateTable, DescribeTable, DeleteTable,
 * ListTables, UpdateTimeToLive, DescribeTimeToLive. Tables are ACTIVE at once (AWS takes seconds).
 */

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

export function tableDescription(table: TableRow, store: DynamoDBStore): Record<string, unknown> {
  return {
    TableName: table.name,
    TableArn: table.arn,
    TableStatus: 'ACTIVE',
    KeySchema: table.keySchema,
    AttributeDefinitions: table.attributeDefinitions,
    CreationDateTime: table.createdAtMs / 1000,
    ItemCount: store.itemCount(table.name),
    TableSizeBytes: 0,
    BillingModeSummary: { BillingMode: table.billingMode },
    ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
  };
}

export function createTable(input: ActionInput, { store, nowMs, region, accountId }: ActionContext): unknown {
  const name = read.requiredString(input, 'TableName');
  if (!TABLE_NAME.test(name)) {
    throw new ValidationError(`TableName must be 3-255 characters of a-z, A-Z, 0-9, '_', '-' and '.', got "${name}"`);
  }
  const keySchema = arrayMember<KeySchemaElement>(input, 'KeySchema');
  const definitions = arrayMember<AttributeDefinition>(input, 'AttributeDefinitions');
  const hash = keySchema.filter((k) => k.KeyType === 'HASH');
  const range = keySchema.filter((k) => k.KeyType === 'RANGE');
  if (hash.length !== 1 || range.length > 1 || hash.length + range.length !== keySchema.length) {
    throw new ValidationError('Invalid KeySchema: one HASH key and at most one RANGE key are required');
  }
  for (const { AttributeName } of keySchema) {
    const definition = definitions.find((d) => d.AttributeName === AttributeName);
    if (!definition || !['S', 'N', 'B'].includes(definition.AttributeType)) {
      throw new ValidationError(
        `One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [${AttributeName}]`,
      );
    }
  }
  if (definitions.length !== keySchema.length) {
    throw new ValidationError(
      'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    );
  }
  const billingMode = read.optionalString(input, 'BillingMode') ?? 'PROVISIONED';
  return store.transaction(() => {
    if (store.table(name)) throw new ResourceInUseError(`Table already exists: ${name}`);
    store.createTable({
      name,
      arn: `arn:aws:dynamodb:${region}:${accountId}:table/${name}`,
      keySchema: [...hash, ...range],
      attributeDefinitions: definitions,
      billingMode,
      createdAtMs: nowMs,
    });
    return { TableDescription: tableDescription(store.table(name)!, store) };
  });
}

export function describeTable(input: ActionInput, { store }: ActionContext): unknown {
  return { Table: tableDescription(existingTable(input, store), store) };
}

export function deleteTable(input: ActionInput, { store }: ActionContext): unknown {
  return store.transaction(() => {
    const table = existingTable(input, store);
    const description = { ...tableDescription(table, store), TableStatus: 'DELETING' };
    store.deleteTable(table.name);
    return { TableDescription: description };
  });
}

export function listTables(_input: ActionInput, { store }: ActionContext): unknown {
  return { TableNames: store.tableNames() };
}

export function updateTimeToLive(input: ActionInput, { store }: ActionContext): unknown {
  const table = existingTable(input, store);
  const spec = input.TimeToLiveSpecification as { AttributeName?: unknown; Enabled?: unknown } | undefined;
  if (typeof spec?.AttributeName !== 'string' || typeof spec.Enabled !== 'boolean') {
    throw new ValidationError('TimeToLiveSpecification needs AttributeName (string) and Enabled (boolean)');
  }
  if (spec.Enabled === (table.ttlAttribute !== undefined)) {
    throw new ValidationError(`TimeToLive is already ${spec.Enabled ? 'enabled' : 'disabled'}`);
  }
  store.transaction(() => store.setTimeToLive(table.name, spec.Enabled ? (spec.AttributeName as string) : undefined));
  return { TimeToLiveSpecification: { AttributeName: spec.AttributeName, Enabled: spec.Enabled } };
}

export function describeTimeToLive(input: ActionInput, { store }: ActionContext): unknown {
  const table = existingTable(input, store);
  return {
    TimeToLiveDescription: table.ttlAttribute
      ? { TimeToLiveStatus: 'ENABLED', AttributeName: table.ttlAttribute }
      : { TimeToLiveStatus: 'DISABLED' },
  };
}

function arrayMember<T>(input: ActionInput, name: string): T[] {
  const value = input[name];
  if (!Array.isArray(value) || value.length === 0) {
    if (value !== undefined && !Array.isArray(value)) throw new SerializationError(`${name} must be a list`);
    throw read.missing(memberName(name));
  }
  return value as T[];
}
