import { READ_MODEL_VIEW } from './analyticsRecord.ts';

/**
 * How records reach the lakehouse's Iceberg table through Amazon Data Firehose, shared by the CDK
 * stack (the stream's processing configuration) and the local cell's Firehose emulator.
 */

/** What a Firehose record does to the Iceberg table (`operation` of JSONQuery routing). */
export type IcebergRecordOperation = 'insert' | 'update' | 'delete';

/**
 * The `MetadataExtractionQuery` (JQ-1.6) of a stream into one Iceberg table that gives every record
 * the same destination and operation. Firehose's unique keys alone do not upsert: a record is
 * inserted unless the routing asks for `update`, which makes a record with the unique keys of an
 * existing row replace it (Iceberg's equality delete + insert). The same text works on AWS and in
 * the emulator (`local/firehose/`), which evaluates this subset of JQ.
 *
 * @example
 *   icebergRoutingQuery({ database: 'bems', table: 'invoice_events', operation: 'update' })
 *   // {destinationDatabaseName: "bems", destinationTableName: "invoice_events", operation: "update"}
 */
export function icebergRoutingQuery(target: {
  readonly database: string;
  readonly table: string;
  readonly operation: IcebergRecordOperation;
}): string {
  return `{destinationDatabaseName: ${JSON.stringify(target.database)}, destinationTableName: ${JSON.stringify(target.table)}, operation: ${JSON.stringify(target.operation)}}`;
}

/**
 * The cell's Iceberg table: namespace (Glue database) and table of its S3 table bucket, the
 * destination of the cell's Firehose stream (`CellTopology.analyticsStream`), on AWS and locally.
 */
export const LAKEHOUSE_TABLE = { database: 'bems', table: READ_MODEL_VIEW } as const;
