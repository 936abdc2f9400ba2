import { icebergRoutingQuery } from '../../schemas/lakehouseTable.ts';
import type { ActionContext } from './ActionContext.ts';
import { type CreateStreamRequest, readCreateRequest } from './actions/createDeliveryStream.ts';
import { FirehoseServiceError } from './errors.ts';
import type { IcebergOperation } from './limits.ts';
import { streamArn } from './toWire.ts';

/** One Iceberg table a provisioned stream delivers into. */
export interface FirehoseTableConfig {
  readonly database: string;
  readonly table: string;
  /** Columns identifying a row, for `update`/`delete` (DestinationTableConfiguration.UniqueKeys). */
  readonly uniqueKeys?: readonly string[];
  /** Identity partition columns (described; no effect locally). */
  readonly partitionBy?: readonly string[];
}

/** A Direct PUT stream into Iceberg, provisioned in-process at start (as the CDK stack does on AWS). */
export interface FirehoseStreamConfig {
  readonly name: string;
  readonly tables: readonly FirehoseTableConfig[];
  /**
   * The operation of every record, for a stream of one table: configured as AWS needs it, a
   * MetadataExtraction processor with the constant query of {@link icebergRoutingQuery}. `update`
   * makes a record with the unique keys of an existing row replace it. Without it, records are
   * inserted (Firehose's default), duplicates included.
   */
  readonly operation?: Exclude<IcebergOperation, 'delete'>;
}

/** The `ProcessingConfiguration` of Firehose's JSONQuery routing: one MetadataExtraction processor running `query`. */
export function metadataExtraction(query: string): Record<string, unknown> {
  return {
    Enabled: true,
    Processors: [
      {
        Type: 'MetadataExtraction',
        Parameters: [
          { ParameterName: 'MetadataExtractionQuery', ParameterValue: query },
          { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
        ],
      },
    ],
  };
}

/** The CreateDeliveryStream input (AWS JSON) a provisioned stream stands for. */
export function toCreateDeliveryStreamInput(
  config: FirehoseStreamConfig,
  region: string,
  accountId: string,
): Record<string, unknown> {
  const role = `arn:aws:iam::${accountId}:role/local-firehose-${config.name}`;
  const [only] = config.tables;
  const routing =
    config.operation && only && config.tables.length === 1
      ? { ProcessingConfiguration: metadataExtraction(icebergRoutingQuery({ ...only, operation: config.operation })) }
      : {};
  return {
    DeliveryStreamName: config.name,
    DeliveryStreamType: 'DirectPut',
    IcebergDestinationConfiguration: {
      RoleARN: role,
      CatalogConfiguration: { CatalogARN: `arn:aws:glue:${region}:${accountId}:catalog` },
      S3Configuration: { RoleARN: role, BucketARN: `arn:aws:s3:::local-firehose-${accountId}-errors` },
      DestinationTableConfigurationList: config.tables.map((t) => ({
        DestinationDatabaseName: t.database,
        DestinationTableName: t.table,
        ...(t.uniqueKeys?.length ? { UniqueKeys: [...t.uniqueKeys] } : {}),
        ...(t.partitionBy?.length
          ? { PartitionSpec: { Identity: t.partitionBy.map((c) => ({ SourceName: c })) } }
          : {}),
      })),
      ...routing,
    },
  };
}

/**
 * Creates the configured streams, idempotently: a missing one is created, an existing one whose
 * destination differs gets this configuration (it is the source of truth, like the CDK stack).
 * Every invalid stream is reported in one error, and nothing is written when one is.
 */
export function provisionStreams(streams: readonly FirehoseStreamConfig[], context: ActionContext): void {
  const problems: string[] = [];
  const requests: CreateStreamRequest[] = [];
  for (const config of streams) {
    if (config.operation && config.tables.length !== 1) {
      problems.push(`${config.name}: operation needs exactly one table (got ${config.tables.length})`);
      continue;
    }
    try {
      requests.push(readCreateRequest(toCreateDeliveryStreamInput(config, context.region, context.accountId)));
    } catch (error) {
      if (!(error instanceof FirehoseServiceError)) throw error;
      problems.push(`${config.name}: ${error.message}`);
    }
  }
  const names = streams.map((s) => s.name);
  for (const duplicate of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    problems.push(`${duplicate}: configured more than once`);
  }
  if (problems.length > 0) throw new TypeError(`Invalid Firehose emulator streams: ${problems.join('; ')}`);
  for (const request of requests) {
    const arn = streamArn(context.region, context.accountId, request.name);
    if (context.store.insertStream({ ...request, arn, createdAtMs: context.nowMs })) continue;
    const current = context.store.getStream(request.name)!;
    if (JSON.stringify(current.destination) !== JSON.stringify(request.destination)) {
      context.store.updateDestination(request.name, request.destination, context.nowMs);
    }
  }
}
