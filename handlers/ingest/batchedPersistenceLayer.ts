import { IdempotencyRecordStatus, PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { convertToAttr } from '@aws-sdk/util-dynamodb';
import { IDEMPOTENCY_RECORD } from '../../schemas/idempotencyRecord.ts';
import { BatchedClaims } from './batchedClaims.ts';
import { sendWithRetries, TurnBatches } from './turnBatches.ts';

/**
 * Powertools' DynamoDB persistence layer with its claims and its settling writes gathered per turn of
 * the event loop.
 *
 * Claims (`saveInProgress`, ADR 0022): the INPROGRESS record Powertools builds — its key, expiry,
 * in-progress expiry and payload hash, computed by Powertools itself — is written by a PartiQL
 * INSERT in one BatchExecuteStatement per request (`batchedClaims.ts`). Only when the key is taken
 * does the claim fall back to Powertools' own conditional PutItem, which reclaims an expired record
 * or answers the existing one (`IdempotencyItemAlreadyExistsError`), so every state of the protocol
 * is decided exactly as before.
 *
 * Settling writes (ADR 0021) — `saveSuccess` (COMPLETED with the outcome) and `deleteRecord`
 * (release) — are gathered into BatchWriteItem calls instead of one UpdateItem or DeleteItem each.
 * Reads stay Powertools' own GetItem.
 *
 * Why this keeps the guarantees: Powertools' UpdateItem to COMPLETED is unconditional, and so is
 * its DeleteItem; a BatchWriteItem put of the whole COMPLETED record (the same attributes, without
 * the in-progress expiry only an INPROGRESS record reads) and a batch delete are the same writes,
 * one write unit each. What changes is the number of requests: the writes started in one turn of
 * the event loop (a request's settlement, and any other request's settling at the same moment)
 * leave as one call per 25. `UnprocessedItems` (throttling on AWS) are sent again, then reported.
 */
export interface BatchedPersistenceLayerOptions {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** Waits before resending `UnprocessedItems` and throttled claims. @default [25, 100, 400] (jittered) */
  readonly unprocessedWaitsMs?: readonly number[];
  /**
   * `batched`: claims as PartiQL INSERTs in one BatchExecuteStatement per turn; `perEvent`:
   * Powertools' conditional PutItem per claim (ADR 0021, kept for the micro-benchmark). @default 'batched'
   */
  readonly claims?: 'batched' | 'perEvent';
}

/** DynamoDB's limit on one BatchWriteItem call. */
const MAX_BATCH = 25;
const DEFAULT_UNPROCESSED_WAITS_MS = [25, 100, 400] as const;

/** The record attributes, named as Powertools names them (and as the table and its TTL expect). */
export const RECORD_ATTRIBUTES = {
  ...PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS,
  keyAttr: IDEMPOTENCY_RECORD.partitionKey,
  expiryAttr: IDEMPOTENCY_RECORD.ttlAttribute,
} as const;

/** What Powertools hashes (its `JSONValue`, named through a public method: `commons` is not our dependency). */
type RecordData = Parameters<DynamoDBPersistenceLayer['getRecord']>[0];

interface PendingWrite {
  readonly itemKey: string;
  readonly request: WriteRequest;
  readonly settle: { resolve: () => void; reject: (error: unknown) => void };
}

export class BatchedPersistenceLayer extends DynamoDBPersistenceLayer {
  readonly #table: string;
  readonly #client: DynamoDBClient;
  readonly #waitsMs: readonly number[];
  readonly #writes = new TurnBatches<PendingWrite>(MAX_BATCH, (batch) => this.#send(batch));
  readonly #claims: BatchedClaims | undefined;
  /** Each event's record key, computed once: the claim, the settling write and a read all ask for it. */
  readonly #keys = new WeakMap<object, string>();
  /** Each claimed event's payload hash, as Powertools computed it for the claim (see `saveInProgress`). */
  readonly #payloadHashes = new WeakMap<object, string>();
  /** The event whose claim Powertools is building, while it does (synchronously) — else undefined. */
  #claiming: object | undefined;
  #localCache: boolean | undefined;

  constructor(options: BatchedPersistenceLayerOptions) {
    super({ tableName: options.tableName, awsSdkV3Client: options.client, ...RECORD_ATTRIBUTES });
    this.#table = options.tableName;
    this.#client = options.client;
    this.#waitsMs = options.unprocessedWaitsMs ?? DEFAULT_UNPROCESSED_WAITS_MS;
    this.#claims =
      options.claims === 'perEvent'
        ? undefined
        : new BatchedClaims({ tableName: options.tableName, client: options.client, retryWaitsMs: this.#waitsMs });
  }

  /**
   * Powertools' key for `data` (JMESPath search, canonical JSON, SHA-256), remembered per event
   * object: the handler passes the same parsed, never-modified event to the claim and to its
   * settlement, so the second computation would give the same key.
   */
  protected override getHashedIdempotencyKey(data: RecordData): string {
    if (typeof data !== 'object' || data === null) return super.getHashedIdempotencyKey(data);
    let key = this.#keys.get(data);
    if (key === undefined) {
      key = super.getHashedIdempotencyKey(data);
      this.#keys.set(data, key);
    }
    return key;
  }

  /**
   * The record's key as Powertools' `getKey` builds it for a table without a sort key (this layer
   * never sets one): `marshall` of `{ id: key }` is `{ id: { S: key } }`, without `marshall`'s walk of a
   * throwaway object on every claim, settlement and read.
   */
  protected override getKey(idempotencyKey: string): Record<string, AttributeValue> {
    return { [RECORD_ATTRIBUTES.keyAttr]: { S: idempotencyKey } };
  }

  override configure(options: Parameters<DynamoDBPersistenceLayer['configure']>[0]): void {
    super.configure(options);
    this.#localCache ??= options?.config.useLocalCache ?? false;
  }

  /**
   * Powertools' claim, with the payload hash it computes kept for the event's settlement: Powertools
   * builds the INPROGRESS record and hands it to `_putRecord` before its first `await`, so while this
   * call runs `_putRecord` knows whose record it is; a record built later is not kept.
   */
  override saveInProgress(data: RecordData, remainingTimeInMillis?: number): Promise<void> {
    this.#claiming = typeof data === 'object' && data !== null ? data : undefined;
    try {
      return super.saveInProgress(data, remainingTimeInMillis);
    } finally {
      this.#claiming = undefined;
    }
  }

  /**
   * Powertools' saveSuccess (COMPLETED record, same key, expiry and outcome) with the payload hash of
   * the event's claim instead of a second JMESPath search, canonical JSON and SHA-256 of the same,
   * unchanged event. An event not claimed here, or a layer with Powertools' local cache (which
   * saveSuccess fills), goes through Powertools' own.
   */
  override async saveSuccess(data: RecordData, result: RecordData): Promise<void> {
    const payloadHash = typeof data === 'object' && data !== null ? this.#payloadHashes.get(data) : undefined;
    if (payloadHash === undefined || this.#localCache !== false) return super.saveSuccess(data, result);
    await this._updateRecord(
      new IdempotencyRecord({
        idempotencyKey: this.getHashedIdempotencyKey(data),
        status: IdempotencyRecordStatus.COMPLETED,
        expiryTimestamp: Math.round(Date.now() / 1000 + this.expiresAfterSeconds),
        responseData: result,
        payloadHash,
      }),
    );
  }

  /**
   * saveInProgress: the record as Powertools' `_putRecord` writes it, inserted in the turn's batch;
   * a taken key goes through Powertools' conditional PutItem (reclaim, or the existing record).
   */
  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    const claiming = this.#claiming;
    if (claiming && record.payloadHash !== undefined && this.#keys.get(claiming) === record.idempotencyKey)
      this.#payloadHashes.set(claiming, record.payloadHash);
    if (!this.#claims) return super._putRecord(record);
    // A claim without an expiry would block its eventId for good (`marshall` refused it too).
    if (record.expiryTimestamp === undefined) throw new Error('an idempotency claim needs an expiry');
    const item: Record<string, AttributeValue> = { ...this.getKey(record.idempotencyKey), ...stateOf(record) };
    if (record.inProgressExpiryTimestamp !== undefined) {
      item[RECORD_ATTRIBUTES.inProgressExpiryAttr] = { N: record.inProgressExpiryTimestamp.toString() };
    }
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined) {
      item[RECORD_ATTRIBUTES.validationKeyAttr] = { S: record.payloadHash };
    }
    const result = await this.#claims.claim(record.idempotencyKey, item);
    if (result === 'taken') return super._putRecord(record);
  }

  /** saveSuccess: the whole COMPLETED record, as Powertools' UpdateItem would leave it. */
  protected override _updateRecord(record: IdempotencyRecord): Promise<void> {
    const item: Record<string, AttributeValue> = { ...this.getKey(record.idempotencyKey), ...stateOf(record) };
    if (record.responseData !== undefined)
      item[RECORD_ATTRIBUTES.dataAttr] = convertToAttr(record.responseData, { removeUndefinedValues: true });
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined)
      item[RECORD_ATTRIBUTES.validationKeyAttr] = { S: record.payloadHash };
    if (record.getStatus() !== IdempotencyRecordStatus.COMPLETED) {
      return Promise.reject(new Error(`batched settlement writes COMPLETED records only, got ${record.getStatus()}`));
    }
    return this.#enqueue(record.idempotencyKey, { PutRequest: { Item: item } });
  }

  /** deleteRecord (release): a batched delete, unconditional like Powertools' DeleteItem. */
  protected override _deleteRecord(record: IdempotencyRecord): Promise<void> {
    return this.#enqueue(record.idempotencyKey, { DeleteRequest: { Key: this.getKey(record.idempotencyKey) } });
  }

  #enqueue(itemKey: string, request: WriteRequest): Promise<void> {
    return new Promise((resolve, reject) => this.#writes.push({ itemKey, request, settle: { resolve, reject } }));
  }

  async #send(batch: readonly PendingWrite[]): Promise<void> {
    try {
      const unsent = await sendWithRetries(batch, this.#waitsMs, async (writes) => {
        const output = await this.#client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.#table]: writes.map((w) => w.request) } }),
        );
        const returned = new Set((output.UnprocessedItems?.[this.#table] ?? []).map(keyOf));
        for (const write of writes) if (!returned.has(write.itemKey)) write.settle.resolve();
        return writes.filter((w) => returned.has(w.itemKey));
      });
      const left = new Error(`DynamoDB left ${unsent.length} write(s) unprocessed after retries`);
      for (const write of unsent) write.settle.reject(left);
    } catch (error) {
      for (const write of batch) write.settle.reject(error);
    }
  }
}

/**
 * Expiry and status as `marshall` writes a number and a string (`{N: "…"}`, `{S: "…"}`), without its
 * walk of a throwaway object per record; an absent expiry is left out, as `removeUndefinedValues` did.
 */
function stateOf(record: IdempotencyRecord): Record<string, AttributeValue> {
  const status = { [RECORD_ATTRIBUTES.statusAttr]: { S: record.getStatus() } };
  if (record.expiryTimestamp === undefined) return status;
  return { [RECORD_ATTRIBUTES.expiryAttr]: { N: String(record.expiryTimestamp) }, ...status };
}

/** The record key of a write DynamoDB handed back in `UnprocessedItems`. */
function keyOf(request: WriteRequest): string | undefined {
  const attributes = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
  return attributes?.[RECORD_ATTRIBUTES.keyAttr]?.S;
}
