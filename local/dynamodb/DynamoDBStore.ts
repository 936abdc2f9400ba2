import { SqliteStore, storeFileSpec } from '../awsEmulator/index.ts';
import { inImmediateTransaction } from '../sqlite/inImmediateTransaction.ts';
import { StatementCache } from '../sqlite/StatementCache.ts';
import { DynamoDBStoreError } from './errors.ts';
import type { AttributeMap } from './expressions/attributeValues.ts';

/**
 * The state of the DynamoDB emulator in `<dataDir>/dynamodb.sqlite` (WAL): the tables (key schema,
 * TTL attribute) and their items, each stored whole as its wire JSON under its key. Nothing here
 * knows what the items mean; the expressions are evaluated by the actions, inside
 * {@link DynamoDBStore.transaction}, so a conditional write is atomic.
 */

const SCHEMA = `
CREATE TABLE tables (
  name                  TEXT PRIMARY KEY,
  arn                   TEXT NOT NULL,
  key_schema            TEXT NOT NULL,
  attribute_definitions TEXT NOT NULL,
  billing_mode          TEXT NOT NULL,
  ttl_attribute         TEXT,
  created_at_ms         INTEGER NOT NULL
) STRICT;

CREATE TABLE items (
  table_name   TEXT NOT NULL REFERENCES tables(name) ON DELETE CASCADE,
  item_key     TEXT NOT NULL,
  item         TEXT NOT NULL,
  -- The TTL attribute's value (epoch seconds) when it is a number: what the TTL sweep deletes by.
  expires_at_s REAL,
  PRIMARY KEY (table_name, item_key)
) STRICT;

CREATE INDEX items_by_expiry ON items (expires_at_s) WHERE expires_at_s IS NOT NULL;
`;

const STORE_FILE_SPEC = storeFileSpec('DynamoDB', 1, SCHEMA, DynamoDBStoreError);
export const { fileName: DYNAMODB_STORE_FILE, schemaVersion: DYNAMODB_SCHEMA_VERSION } = STORE_FILE_SPEC;

export interface KeySchemaElement {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

export interface AttributeDefinition {
  readonly AttributeName: string;
  readonly AttributeType: 'S' | 'N' | 'B';
}

export interface TableRow {
  readonly name: string;
  readonly arn: string;
  readonly keySchema: readonly KeySchemaElement[];
  readonly attributeDefinitions: readonly AttributeDefinition[];
  readonly billingMode: string;
  /** The TTL attribute while TTL is enabled. */
  readonly ttlAttribute: string | undefined;
  readonly createdAtMs: number;
}

export interface DynamoDBStoreOptions {
  readonly dataDir: string;
  /** WAL checkpoints on a background thread this often (see `WalCheckpointer`); off when absent. */
  readonly checkpointIntervalMs?: number;
}

/** DynamoDB ignores TTL values more than five years in the past (they are likely milliseconds or mistakes). */
const TTL_MAX_AGE_SECONDS = 5 * 365 * 24 * 3600;

export class DynamoDBStore extends SqliteStore {
  readonly #statements = new StatementCache(this.writer);
  /**
   * Table rows by name, read once: every item operation looks its table up, and the rows change
   * only through this store (create, delete, TTL), which forgets the entry it changes. Rows read
   * inside a transaction are not kept: it may still roll back.
   */
  readonly #tables = new Map<string, TableRow>();

  constructor(options: DynamoDBStoreOptions) {
    super(STORE_FILE_SPEC, options);
  }

  /** Runs `work` in one write transaction: reads and the write it decides on commit together. */
  transaction<T>(work: () => T): T {
    return inImmediateTransaction(this.writer, work);
  }

  createTable(table: Omit<TableRow, 'ttlAttribute'>): void {
    this.#statements
      .get(
        'INSERT INTO tables (name, arn, key_schema, attribute_definitions, billing_mode, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        table.name,
        table.arn,
        JSON.stringify(table.keySchema),
        JSON.stringify(table.attributeDefinitions),
        table.billingMode,
        table.createdAtMs,
      );
  }

  table(name: string): TableRow | undefined {
    const cached = this.#tables.get(name);
    if (cached) return cached;
    const row = this.#statements.first('SELECT * FROM tables WHERE name = ?', name);
    if (!row) return undefined;
    const table: TableRow = {
      name: row.name as string,
      arn: row.arn as string,
      keySchema: JSON.parse(row.key_schema as string),
      attributeDefinitions: JSON.parse(row.attribute_definitions as string),
      billingMode: row.billing_mode as string,
      ttlAttribute: (row.ttl_attribute as string | null) ?? undefined,
      createdAtMs: Number(row.created_at_ms),
    };
    if (!this.writer.isTransaction) this.#tables.set(name, table);
    return table;
  }

  tableNames(): string[] {
    return this.#statements
      .get('SELECT name FROM tables ORDER BY name')
      .all()
      .map((row) => row.name as string);
  }

  itemCount(tableName: string): number {
    return Number(this.#statements.first('SELECT count(*) AS n FROM items WHERE table_name = ?', tableName)?.n ?? 0);
  }

  deleteTable(name: string): void {
    this.#tables.delete(name);
    this.#statements.get('DELETE FROM items WHERE table_name = ?').run(name);
    this.#statements.get('DELETE FROM tables WHERE name = ?').run(name);
  }

  /** Enables TTL on `attribute` (or disables it with `undefined`), re-reading every item's expiry. */
  setTimeToLive(tableName: string, attribute: string | undefined): void {
    this.#tables.delete(tableName);
    this.#statements.get('UPDATE tables SET ttl_attribute = ? WHERE name = ?').run(attribute ?? null, tableName);
    const rows = this.#statements.get('SELECT item_key, item FROM items WHERE table_name = ?').all(tableName);
    const update = this.#statements.get('UPDATE items SET expires_at_s = ? WHERE table_name = ? AND item_key = ?');
    for (const row of rows) {
      const expiry = attribute ? expiryOf(JSON.parse(row.item as string), attribute) : undefined;
      update.run(expiry ?? null, tableName, row.item_key as string);
    }
  }

  getItem(tableName: string, itemKey: string): AttributeMap | undefined {
    const row = this.#statements.first(
      'SELECT item FROM items WHERE table_name = ? AND item_key = ?',
      tableName,
      itemKey,
    );
    return row ? (JSON.parse(row.item as string) as AttributeMap) : undefined;
  }

  /**
   * Writes the whole item. An upsert, not `INSERT OR REPLACE`: replacing deletes the row and
   * inserts it again under a new rowid (three B-tree changes, and more pages in the commit), while
   * the upsert rewrites the row where it is — half the CPU of an idempotency record's settlement.
   */
  putItem(table: TableRow, itemKey: string, item: AttributeMap): void {
    const expiry = table.ttlAttribute ? expiryOf(item, table.ttlAttribute) : undefined;
    this.#statements
      .get(
        `INSERT INTO items (table_name, item_key, item, expires_at_s) VALUES (?, ?, ?, ?)
         ON CONFLICT (table_name, item_key) DO UPDATE SET item = excluded.item, expires_at_s = excluded.expires_at_s`,
      )
      .run(table.name, itemKey, JSON.stringify(item), expiry ?? null);
  }

  /** Writes the item unless one has its key (expired or not); false when one had. One statement, no read first. */
  insertItemIfAbsent(table: TableRow, itemKey: string, item: AttributeMap): boolean {
    const expiry = table.ttlAttribute ? expiryOf(item, table.ttlAttribute) : undefined;
    const result = this.#statements
      .get(
        'INSERT INTO items (table_name, item_key, item, expires_at_s) VALUES (?, ?, ?, ?) ON CONFLICT (table_name, item_key) DO NOTHING',
      )
      .run(table.name, itemKey, JSON.stringify(item), expiry ?? null);
    return Number(result.changes) === 1;
  }

  deleteItem(tableName: string, itemKey: string): void {
    this.#statements.get('DELETE FROM items WHERE table_name = ? AND item_key = ?').run(tableName, itemKey);
  }

  /**
   * The TTL process: deletes the items whose TTL attribute is before `nowSeconds`, in tables with
   * TTL enabled. DynamoDB does this in the background, typically within days; until then expired
   * items are still returned by reads — as here between two sweeps.
   */
  sweepExpired(nowSeconds: number): number {
    return this.transaction(() => {
      const result = this.#statements
        .get(
          `DELETE FROM items WHERE expires_at_s IS NOT NULL AND expires_at_s < ? AND expires_at_s >= ?
             AND table_name IN (SELECT name FROM tables WHERE ttl_attribute IS NOT NULL)`,
        )
        .run(nowSeconds, nowSeconds - TTL_MAX_AGE_SECONDS);
      return Number(result.changes);
    });
  }

  override close(): void {
    this.#statements.clear();
    this.#tables.clear();
    super.close();
  }
}

/** The TTL attribute's value in epoch seconds, when it is a number (DynamoDB ignores other types). */
function expiryOf(item: AttributeMap, attribute: string): number | undefined {
  const value = item[attribute];
  if (!value || !('N' in value)) return undefined;
  const seconds = Number(value.N);
  return Number.isFinite(seconds) ? seconds : undefined;
}
