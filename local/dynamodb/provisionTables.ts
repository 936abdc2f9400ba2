import type { DynamoDBStore } from './DynamoDBStore.ts';
import { DynamoDBStoreError } from './errors.ts';

/** A table the emulator creates at start (as the CDK stack creates it on AWS). */
export interface DynamoDBTableConfig {
  readonly name: string;
  readonly partitionKey: { readonly name: string; readonly type: 'S' | 'N' | 'B' };
  readonly sortKey?: { readonly name: string; readonly type: 'S' | 'N' | 'B' };
  /** The TTL attribute (epoch seconds); no TTL when absent. */
  readonly ttlAttribute?: string;
  /** @default 'PAY_PER_REQUEST' */
  readonly billingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
}

/**
 * Creates the tables that do not exist yet and sets their TTL attribute; a table that exists with
 * another key schema is refused (its items would not fit), never changed.
 */
export function provisionTables(
  tables: readonly DynamoDBTableConfig[],
  options: {
    readonly store: DynamoDBStore;
    readonly nowMs: number;
    readonly region: string;
    readonly accountId: string;
  },
): void {
  const { store } = options;
  store.transaction(() => {
    for (const config of tables) {
      const keys = [
        { AttributeName: config.partitionKey.name, KeyType: 'HASH' as const },
        ...(config.sortKey ? [{ AttributeName: config.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ];
      const definitions = [
        { AttributeName: config.partitionKey.name, AttributeType: config.partitionKey.type },
        ...(config.sortKey ? [{ AttributeName: config.sortKey.name, AttributeType: config.sortKey.type }] : []),
      ];
      const existing = store.table(config.name);
      if (!existing) {
        store.createTable({
          name: config.name,
          arn: `arn:aws:dynamodb:${options.region}:${options.accountId}:table/${config.name}`,
          keySchema: keys,
          attributeDefinitions: definitions,
          billingMode: config.billingMode ?? 'PAY_PER_REQUEST',
          createdAtMs: options.nowMs,
        });
      } else if (JSON.stringify(existing.keySchema) !== JSON.stringify(keys)) {
        throw new DynamoDBStoreError(
          store.path,
          `DynamoDB table ${config.name} exists with key schema ${JSON.stringify(existing.keySchema)}, not ${JSON.stringify(keys)}; it was left untouched`,
        );
      }
      if ((existing?.ttlAttribute ?? undefined) !== config.ttlAttribute)
        store.setTimeToLive(config.name, config.ttlAttribute);
    }
  });
}
