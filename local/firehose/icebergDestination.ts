import { InvalidArgumentError } from './errors.ts';
import { FIREHOSE_LIMITS, ICEBERG_NAME_PATTERN } from './limits.ts';
import { read } from './readInput.ts';
import { parseRoutingQuery, type RoutingQuery } from './routingQuery.ts';

/** One Iceberg table of a stream's `DestinationTableConfigurationList`. */
export interface IcebergTableTarget {
  readonly database: string;
  readonly table: string;
  /** Columns identifying a row for `update` and `delete`; empty: the table only takes inserts. */
  readonly uniqueKeys: readonly string[];
  /** Identity partition columns (kept and described; no effect on the emulated table). */
  readonly partitionFields: readonly string[];
}

/** What the emulator needs of an `IcebergDestinationConfiguration`. */
export interface IcebergDestination {
  readonly tables: readonly IcebergTableTarget[];
  /** The JSONQuery routing (a MetadataExtraction processor), when configured. */
  readonly routing: RoutingQuery | undefined;
  /** Every record is inserted, whatever operation it asks for. */
  readonly appendOnly: boolean;
}

function readTable(entry: unknown, index: number): IcebergTableTarget {
  const where = `icebergDestinationConfiguration.destinationTableConfigurationList.${index + 1}.member`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new InvalidArgumentError(`${where} must be an object`);
  }
  const table = entry as Record<string, unknown>;
  const { min, max } = FIREHOSE_LIMITS.icebergNameChars;
  const name = (key: string, member: string) =>
    read.requiredString(table, key, {
      member: `${where}.${member}`,
      minLength: min,
      maxLength: max,
      pattern: ICEBERG_NAME_PATTERN,
    });
  const uniqueKeys = (read.optionalArray(table, 'UniqueKeys') ?? []).map((key, k) => {
    if (typeof key !== 'string' || key.length === 0 || /\s/.test(key)) {
      const rule = 'Member must satisfy regular expression pattern: ^\\S+$';
      throw read.constraint(`${where}.uniqueKeys.${k + 1}.member`, undefined, rule);
    }
    return key;
  });
  const identity = read.optionalArray(read.optionalObject(table, 'PartitionSpec') ?? {}, 'Identity') ?? [];
  const partitionFields = identity.map((field, f) =>
    read.requiredString((field ?? {}) as Record<string, unknown>, 'SourceName', {
      member: `${where}.partitionSpec.identity.${f + 1}.member.sourceName`,
    }),
  );
  return {
    database: name('DestinationDatabaseName', 'destinationDatabaseName'),
    table: name('DestinationTableName', 'destinationTableName'),
    uniqueKeys,
    partitionFields,
  };
}

/** The JSONQuery routing of an enabled MetadataExtraction processor; Lambda transforms are refused. */
function readRouting(processing: Record<string, unknown> | undefined): RoutingQuery | undefined {
  if (!processing || read.optionalBoolean(processing, 'Enabled') === false) return undefined;
  let routing: RoutingQuery | undefined;
  for (const processor of read.optionalArray(processing, 'Processors') ?? []) {
    const { Type: type, Parameters: parameters } = (processor ?? {}) as Record<string, unknown>;
    if (type !== 'MetadataExtraction') {
      throw new InvalidArgumentError(
        `Processor type ${String(type)} is not supported by the Firehose emulator (only MetadataExtraction).`,
      );
    }
    const values = new Map(
      (Array.isArray(parameters) ? parameters : []).map((p) => {
        const { ParameterName, ParameterValue } = (p ?? {}) as Record<string, unknown>;
        return [ParameterName, ParameterValue] as const;
      }),
    );
    const query = values.get('MetadataExtractionQuery');
    if (typeof query !== 'string') {
      throw new InvalidArgumentError('MetadataExtraction processor requires the MetadataExtractionQuery parameter.');
    }
    const engine = values.get('JsonParsingEngine');
    if (engine !== undefined && engine !== 'JQ-1.6') {
      throw new InvalidArgumentError(`JsonParsingEngine ${String(engine)} is not supported (JQ-1.6).`);
    }
    try {
      routing = parseRoutingQuery(query);
    } catch (error) {
      throw new InvalidArgumentError(
        `MetadataExtractionQuery '${query}' is beyond what the Firehose emulator evaluates (an object of string literals and .paths): ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return routing;
}

/**
 * Reads and checks an `IcebergDestinationConfiguration` as CreateDeliveryStream receives it. The
 * members AWS requires are required here too, although the emulator only uses the tables, the
 * routing and AppendOnly.
 */
export function readIcebergDestination(config: Record<string, unknown>): IcebergDestination {
  const where = 'icebergDestinationConfiguration';
  read.requiredString(config, 'RoleARN', { member: `${where}.roleARN` });
  const catalog = read.requiredObject(config, 'CatalogConfiguration', `${where}.catalogConfiguration`);
  read.optionalString(catalog, 'CatalogARN');
  const s3 = read.requiredObject(config, 'S3Configuration', `${where}.s3Configuration`);
  read.requiredString(s3, 'RoleARN', { member: `${where}.s3Configuration.roleARN` });
  read.requiredString(s3, 'BucketARN', { member: `${where}.s3Configuration.bucketARN` });
  const tables = (read.optionalArray(config, 'DestinationTableConfigurationList') ?? []).map(readTable);
  const seen = new Set<string>();
  for (const target of tables) {
    const id = `${target.database}.${target.table}`;
    if (seen.has(id)) throw new InvalidArgumentError(`Destination table ${id} is configured more than once.`);
    seen.add(id);
  }
  const routing = readRouting(read.optionalObject(config, 'ProcessingConfiguration'));
  if (tables.length === 0 && !routing) {
    throw new InvalidArgumentError(
      'The Firehose emulator needs a DestinationTableConfigurationList entry or a MetadataExtraction query to know where records go.',
    );
  }
  return { tables, routing, appendOnly: read.optionalBoolean(config, 'AppendOnly') ?? false };
}
