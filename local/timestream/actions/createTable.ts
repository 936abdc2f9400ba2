import type { ActionContext, ActionInput } from '../ActionContext.ts';
import { ConflictError, ResourceNotFoundError, SerializationError } from '../errors.ts';
import { TIMESTREAM_LIMITS } from '../limits.ts';
import { read, resourceName } from '../readInput.ts';
import type { TableSettings } from '../TimestreamStore.ts';
import { tableArn, tableToWire } from '../toWire.ts';

/** Reads RetentionProperties and MagneticStoreWriteProperties, with Timestream's defaults. */
export function readTableSettings(input: ActionInput): TableSettings {
  const retention = read.optionalObject(input, 'RetentionProperties') ?? {};
  const magnetic = read.optionalObject(input, 'MagneticStoreWriteProperties') ?? {};
  const enable = magnetic.EnableMagneticStoreWrites;
  if (enable !== undefined && typeof enable !== 'boolean') {
    throw new SerializationError('MagneticStoreWriteProperties.EnableMagneticStoreWrites must be a boolean');
  }
  return {
    memoryRetentionHours:
      read.optionalInteger(retention, 'MemoryStoreRetentionPeriodInHours', {
        ...TIMESTREAM_LIMITS.memoryRetentionHours,
        member: 'retentionProperties.memoryStoreRetentionPeriodInHours',
      }) ?? TIMESTREAM_LIMITS.memoryRetentionHours.default,
    magneticRetentionDays:
      read.optionalInteger(retention, 'MagneticStoreRetentionPeriodInDays', {
        ...TIMESTREAM_LIMITS.magneticRetentionDays,
        member: 'retentionProperties.magneticStoreRetentionPeriodInDays',
      }) ?? TIMESTREAM_LIMITS.magneticRetentionDays.default,
    magneticWrites: enable ?? false,
  };
}

/** CreateTable. Schema (composite partition key), Tags and the rejected-data S3 location are ignored. */
export function createTable(input: ActionInput, context: ActionContext): unknown {
  const databaseName = resourceName(input, 'DatabaseName');
  const tableName = resourceName(input, 'TableName');
  const settings = readTableSettings(input);
  if (!context.store.getDatabase(databaseName)) throw new ResourceNotFoundError(databaseName);
  const created = context.store.insertTable(
    databaseName,
    tableName,
    tableArn(context.region, context.accountId, databaseName, tableName),
    settings,
    context.nowMs,
  );
  if (!created) throw new ConflictError(`The table ${tableName} already exists in database ${databaseName}.`);
  return { Table: tableToWire(context.store.getTable(databaseName, tableName)!) };
}
