import type { IcebergDestination, IcebergTableTarget } from './icebergDestination.ts';
import { ICEBERG_OPERATIONS, type IcebergOperation } from './limits.ts';
import { evaluateRoutingQuery } from './routingQuery.ts';

/**
 * Turns one accepted record into what the Iceberg destination does with it, the way Firehose
 * does after buffering: parse the JSON, find the table (the only configured one, or the routing
 * query's), the operation (`insert` unless routing says otherwise) and, for `update`/`delete`,
 * the row's unique-key values. A record that cannot be delivered is not lost: like Firehose's
 * error output in S3, it becomes a delivery error with its reason.
 */

export type Delivery =
  | {
      readonly kind: 'row';
      readonly database: string;
      readonly table: string;
      readonly operation: IcebergOperation;
      /** JSON array of the unique-key values; null for a table without unique keys. */
      readonly key: string | null;
      /** The record as a JSON object text (what the row holds). */
      readonly data: string;
    }
  | { readonly kind: 'error'; readonly reason: string };

const failed = (reason: string): Delivery => ({ kind: 'error', reason });

function parseObject(data: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

interface Route {
  readonly target: IcebergTableTarget;
  readonly operation: IcebergOperation;
}

function route(record: Record<string, unknown>, destination: IcebergDestination): Route | string {
  const metadata = destination.routing ? evaluateRoutingQuery(destination.routing, record) : {};
  const database = metadata.destinationDatabaseName ?? null;
  const table = metadata.destinationTableName ?? null;
  const operation = metadata.operation ?? 'insert';
  if (!ICEBERG_OPERATIONS.includes(operation as IcebergOperation)) {
    return `operation ${JSON.stringify(operation)} is not one of ${ICEBERG_OPERATIONS.join(', ')}`;
  }
  let target: IcebergTableTarget | undefined;
  if (database === null && table === null) {
    if (destination.tables.length !== 1) return 'no destination table: routing gave none and several are configured';
    target = destination.tables[0];
  } else if (typeof database !== 'string' || typeof table !== 'string') {
    return 'routing must give both destinationDatabaseName and destinationTableName as strings';
  } else {
    target = destination.tables.find((t) => t.database === database && t.table === table) ?? {
      database,
      table,
      uniqueKeys: [],
      partitionFields: [],
    };
  }
  return { target: target!, operation: destination.appendOnly ? 'insert' : (operation as IcebergOperation) };
}

export function deliverRecord(data: Buffer, destination: IcebergDestination): Delivery {
  const record = parseObject(data);
  if (!record) return failed('the record is not one JSON object');
  const routed = route(record, destination);
  if (typeof routed === 'string') return failed(routed);
  const { target, operation } = routed;
  const where = `${target.database}.${target.table}`;
  if (operation !== 'insert' && target.uniqueKeys.length === 0) {
    return failed(`operation ${operation} needs UniqueKeys, and none are configured for ${where}`);
  }
  let key: string | null = null;
  if (target.uniqueKeys.length > 0) {
    const values = target.uniqueKeys.map((column) => record[column]);
    const missing = target.uniqueKeys.filter((_, i) => values[i] === undefined || values[i] === null);
    if (missing.length > 0)
      return failed(`unique key column(s) ${missing.join(', ')} missing in a record for ${where}`);
    key = JSON.stringify(values);
  }
  return {
    kind: 'row',
    database: target.database,
    table: target.table,
    operation,
    key,
    data: JSON.stringify(record),
  };
}
