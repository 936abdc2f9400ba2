import type { DatabaseInfo, TableInfo } from './TimestreamStore.ts';

/** AWS JSON 1.0 sends timestamps as epoch seconds. */
const epochSeconds = (ms: number): number => ms / 1000;

/** The `Database` structure of CreateDatabase/DescribeDatabase. */
export function databaseToWire(database: DatabaseInfo): Record<string, unknown> {
  return {
    Arn: database.arn,
    DatabaseName: database.name,
    TableCount: database.tableCount,
    CreationTime: epochSeconds(database.createdAtMs),
    LastUpdatedTime: epochSeconds(database.updatedAtMs),
  };
}

/** The `Table` structure of CreateTable/DescribeTable/ListTables. */
export function tableToWire(table: TableInfo): Record<string, unknown> {
  return {
    Arn: table.arn,
    TableName: table.name,
    DatabaseName: table.databaseName,
    TableStatus: 'ACTIVE',
    RetentionProperties: {
      MemoryStoreRetentionPeriodInHours: table.memoryRetentionHours,
      MagneticStoreRetentionPeriodInDays: table.magneticRetentionDays,
    },
    MagneticStoreWriteProperties: { EnableMagneticStoreWrites: table.magneticWrites },
    CreationTime: epochSeconds(table.createdAtMs),
    LastUpdatedTime: epochSeconds(table.updatedAtMs),
  };
}

export function databaseArn(region: string, accountId: string, databaseName: string): string {
  return `arn:aws:timestream:${region}:${accountId}:database/${databaseName}`;
}

export function tableArn(region: string, accountId: string, databaseName: string, tableName: string): string {
  return `${databaseArn(region, accountId, databaseName)}/table/${tableName}`;
}
