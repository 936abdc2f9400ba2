import { RESOURCE_NAME_PATTERN, TIMESTREAM_LIMITS } from './limits.ts';
import type { TableSettings, TimestreamStore } from './TimestreamStore.ts';
import { databaseArn, tableArn } from './toWire.ts';

export interface TimestreamTableConfig extends TableSettings {
  readonly name: string;
}

export interface TimestreamDatabaseConfig {
  readonly name: string;
  readonly tables: readonly TimestreamTableConfig[];
}

/** Validates the provisioning config up front and reports every problem in one error. */
export function validateDatabases(databases: readonly TimestreamDatabaseConfig[]): void {
  const problems: string[] = [];
  const inRange = (value: number, range: { min: number; max: number }): boolean =>
    Number.isInteger(value) && value >= range.min && value <= range.max;
  for (const database of databases) {
    if (!RESOURCE_NAME_PATTERN.test(database.name) || database.name.length < 3) {
      problems.push(`database name '${database.name}' must be 3+ characters of [a-zA-Z0-9_.-]`);
    }
    for (const table of database.tables) {
      const where = `${database.name}.${table.name}`;
      if (!RESOURCE_NAME_PATTERN.test(table.name) || table.name.length < 3) {
        problems.push(`table name '${where}' must be 3+ characters of [a-zA-Z0-9_.-]`);
      }
      const { memoryRetentionHours: hours, magneticRetentionDays: days } = TIMESTREAM_LIMITS;
      if (!inRange(table.memoryRetentionHours, hours)) {
        problems.push(`${where}: memoryRetentionHours must be an integer in ${hours.min}..${hours.max}`);
      }
      if (!inRange(table.magneticRetentionDays, days)) {
        problems.push(`${where}: magneticRetentionDays must be an integer in ${days.min}..${days.max}`);
      }
    }
  }
  if (problems.length > 0) throw new TypeError(`Invalid Timestream emulator databases: ${problems.join('; ')}`);
}

/**
 * Creates the missing databases and tables, and brings an existing table's retention and
 * magnetic settings in line with the config (the source of truth, like the CDK stack on AWS).
 */
export function provisionDatabases(
  store: TimestreamStore,
  databases: readonly TimestreamDatabaseConfig[],
  region: string,
  accountId: string,
  nowMs: number,
): void {
  for (const database of databases) {
    store.insertDatabase(database.name, databaseArn(region, accountId, database.name), nowMs);
    for (const table of database.tables) {
      const settings: TableSettings = {
        memoryRetentionHours: table.memoryRetentionHours,
        magneticRetentionDays: table.magneticRetentionDays,
        magneticWrites: table.magneticWrites,
      };
      const arn = tableArn(region, accountId, database.name, table.name);
      if (store.insertTable(database.name, table.name, arn, settings, nowMs)) continue;
      const current = store.getTable(database.name, table.name)!;
      const differs =
        current.memoryRetentionHours !== settings.memoryRetentionHours ||
        current.magneticRetentionDays !== settings.magneticRetentionDays ||
        current.magneticWrites !== settings.magneticWrites;
      if (differs) store.updateTable(database.name, table.name, settings, nowMs);
    }
  }
}
