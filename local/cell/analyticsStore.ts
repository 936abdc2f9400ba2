import type { CellDefinition } from '../../cells/definition.ts';
import type { CellTopology } from '../../cells/topology.ts';
import { LAKEHOUSE_READ_MODEL, type ReadModelSource, TIMESTREAM_READ_MODEL } from '../../dashboards/readModel/index.ts';
import { ANALYTICS_UNIQUE_KEY, type AnalyticsStore } from '../../schemas/analyticsRecord.ts';
import { LAKEHOUSE_TABLE } from '../../schemas/lakehouseTable.ts';
import { FirehoseStore, type FirehoseStreamConfig } from '../firehose/index.ts';
import { type TimestreamDatabaseConfig, TimestreamStore } from '../timestream/index.ts';

/**
 * The cell's analytics store as the local cell reads it, whichever it is (`analytics.store`): the
 * Timestream emulator's file or the Firehose emulator's, both with the read model's view
 * `invoice_events` installed (`dashboards/readModel/`), so dashboards, timelines, the monitor and
 * tests read either through the same SQL.
 */
export interface LocalAnalyticsStore {
  /** The SQLite file (read-only workers open it for the dashboards and the monitor). */
  readonly path: string;
  /** One read-only statement, e.g. over `invoice_events`. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly (string | number)[]): T[];
  /** Deletes every record (the analytics store lost; a replay rebuilds it). Returns how many. */
  wipe(): number;
  close(): void;
}

/**
 * The cell with another analytics store (a local run's `--analytics`); unchanged without one. The
 * definition's Timestream options stay (they only apply to a `timestream` cell).
 */
export function withAnalyticsStore(cell: CellDefinition, store: AnalyticsStore | undefined): CellDefinition {
  if (store === undefined || store === cell.analytics.store) return cell;
  return { ...cell, analytics: { ...cell.analytics, store } };
}

/** What the emulator worker provisions for the cell's store: Timestream tables or a Firehose stream, never both. */
export interface AnalyticsProvisioning {
  readonly databases: readonly TimestreamDatabaseConfig[];
  readonly firehoseStreams: readonly FirehoseStreamConfig[];
}

export function analyticsProvisioning(cell: CellDefinition, topology: CellTopology): AnalyticsProvisioning {
  if (topology.analyticsStore === 'lakehouse') {
    return {
      databases: [],
      firehoseStreams: [
        {
          name: topology.analyticsStream,
          tables: [{ ...LAKEHOUSE_TABLE, uniqueKeys: [...ANALYTICS_UNIQUE_KEY] }],
          // Unique keys alone do not upsert on AWS: each record must ask for `update` (see icebergRoutingQuery).
          operation: 'update',
        },
      ],
    };
  }
  return {
    databases: [
      {
        name: topology.timestreamDatabase,
        tables: [{ name: topology.timestreamTable, ...cell.timestream, magneticWrites: true }],
      },
    ],
    firehoseStreams: [],
  };
}

/** Where the read model's records are: database and table names as the store's rows carry them. */
export interface AnalyticsTableName {
  readonly database: string;
  readonly table: string;
}

export function analyticsTableOf(topology: CellTopology): AnalyticsTableName {
  return topology.analyticsStore === 'lakehouse'
    ? LAKEHOUSE_TABLE
    : { database: topology.timestreamDatabase, table: topology.timestreamTable };
}

/** Opens the cell's own connection to its store (the emulator worker writes through another), installing the read model. */
export function openAnalyticsStore(
  topology: CellTopology,
  dataDir: string,
): { readonly store: LocalAnalyticsStore; readonly source: ReadModelSource } {
  const source = topology.analyticsStore === 'lakehouse' ? LAKEHOUSE_READ_MODEL : TIMESTREAM_READ_MODEL;
  const options = { dataDir, readSchema: source.schema };
  const store = topology.analyticsStore === 'lakehouse' ? new FirehoseStore(options) : new TimestreamStore(options);
  return { store, source };
}
