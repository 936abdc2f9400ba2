import {
  IdempotencyConfig,
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { BatchedPersistenceLayer, RECORD_ATTRIBUTES } from './batchedPersistenceLayer.ts';

/**
 * Idempotency per event, with Powertools' idempotency utility and its DynamoDB persistence layer.
 *
 * The key is the event's `eventId` (`eventKeyJmesPath`); the whole producer event — as the contract
 * parsed it, without the server metadata — is hashed for payload validation (`payloadValidationJmesPath: '@'`,
 * Powertools sorts keys before hashing, so the hash is canonical). The persistence layer is used
 * directly rather than through `makeIdempotent`: a request of up to 10 events claims each event on
 * its own, but publishes the new ones in one PutEvents call.
 *
 * Per new event that is two writes: a claim (INPROGRESS, with the payload hash) before publishing and
 * a put of the COMPLETED record (with the outcome) after. Each is gathered with the rest of the
 * request's: the claims into one BatchExecuteStatement of PartiQL INSERTs (ADR 0022), the settling
 * writes into one BatchWriteItem (ADR 0021) — `batchedPersistenceLayer.ts` — so a request of N new
 * events makes 2 DynamoDB calls rather than 2N. An eventId seen before (its INSERT finds the key
 * taken) goes through Powertools' conditional PutItem, which reads the record there. A single conditional write would
 * be half the write units, but it cannot tell "being published" from "published": a concurrent
 * repeat would be answered 202 for an event whose publication may still fail — and be lost if its
 * own request was abandoned. The INPROGRESS state makes the repeat wait instead.
 */

/** The outcome kept for an event once published: what a repeat is answered from. */
export type PublishedOutcome = {
  readonly eventId: string;
  /** When the first request with this eventId was received (ISO 8601). */
  readonly receivedAt: string;
};

export type Claim =
  /** First time within the window: this request publishes it. */
  | { readonly kind: 'new'; readonly event: InvoiceEvent }
  /** Published before with the same content. */
  | { readonly kind: 'repeated'; readonly event: InvoiceEvent; readonly original: PublishedOutcome | undefined }
  /** Seen before with different content. */
  | { readonly kind: 'conflict'; readonly event: InvoiceEvent }
  /** Another request is publishing it right now (same content) and has not finished. */
  | { readonly kind: 'inProgress'; readonly event: InvoiceEvent }
  /** The store failed; the error is kept for the log. */
  | { readonly kind: 'unavailable'; readonly event: InvoiceEvent; readonly error: unknown };

export interface EventIdempotencyOptions {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** How long an eventId is remembered. */
  readonly windowHours: number;
  /** Waits between reads of a record another request holds INPROGRESS. @default [25, 50, 100, 200, 400] */
  readonly inProgressWaitsMs?: readonly number[];
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * How claims are settled: `batched` (one BatchWriteItem per request) or `perEvent` (Powertools'
   * UpdateItem/DeleteItem per event, the protocol before ADR 0021; kept for the micro-benchmark that
   * compares the two). @default 'batched'
   */
  readonly settlement?: 'batched' | 'perEvent';
  /**
   * How claims are made: `batched` (one BatchExecuteStatement of INSERTs per request, ADR 0022) or
   * `perEvent` (Powertools' conditional PutItem per event; kept for the micro-benchmark). With
   * `settlement: 'perEvent'` claims are per event too. @default 'batched'
   */
  readonly claims?: 'batched' | 'perEvent';
}

/** Stable across deployments and identical locally and on AWS (Powertools' default is the function name). */
export const IDEMPOTENCY_KEY_PREFIX = 'bems-ingest';

const DEFAULT_WAITS_MS = [25, 50, 100, 200, 400] as const;
/** Claims again after finding the record gone or expired; more means records churn under us. */
const MAX_RECLAIMS = 2;

export class EventIdempotency {
  readonly #persistence: DynamoDBPersistenceLayer;
  readonly #waitsMs: readonly number[];
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: EventIdempotencyOptions) {
    this.#persistence =
      options.settlement === 'perEvent'
        ? new DynamoDBPersistenceLayer({
            tableName: options.tableName,
            awsSdkV3Client: options.client,
            ...RECORD_ATTRIBUTES,
          })
        : new BatchedPersistenceLayer({
            tableName: options.tableName,
            client: options.client,
            claims: options.claims ?? 'batched',
          });
    this.#persistence.configure({
      keyPrefix: IDEMPOTENCY_KEY_PREFIX,
      config: introspectedOnce(
        new IdempotencyConfig({
          eventKeyJmesPath: 'eventId',
          payloadValidationJmesPath: '@',
          throwOnNoIdempotencyKey: true,
          expiresAfterSeconds: options.windowHours * 3600,
          hashFunction: 'sha256',
        }),
      ),
    });
    this.#waitsMs = options.inProgressWaitsMs ?? DEFAULT_WAITS_MS;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Claims an event: records it INPROGRESS unless a live record exists. A record held INPROGRESS by
   * another request is read again a few times (publishing takes milliseconds) before giving up.
   * `inProgressMs` bounds how long this request's own claim blocks others if it dies mid-way.
   */
  claim(event: InvoiceEvent, inProgressMs: number): Promise<Claim> {
    return this.#claim(event, inProgressMs, 0);
  }

  /** Marks a published event COMPLETED, keeping the outcome a repeat is answered with. */
  async complete(event: InvoiceEvent, outcome: PublishedOutcome): Promise<void> {
    await this.#persistence.saveSuccess(event, outcome);
  }

  /** Forgets a claim whose event was not published, so a resend is treated as new. */
  async release(event: InvoiceEvent): Promise<void> {
    await this.#persistence.deleteRecord(event);
  }

  async #claim(event: InvoiceEvent, inProgressMs: number, round: number): Promise<Claim> {
    try {
      await this.#persistence.saveInProgress(event, inProgressMs);
      return { kind: 'new', event };
    } catch (error) {
      if (!(error instanceof IdempotencyItemAlreadyExistsError)) return { kind: 'unavailable', event, error };
      return this.#examine(event, error.existingRecord, inProgressMs, round);
    }
  }

  /** Reads what another request left; `round` counts claims that found the record gone or expired. */
  async #examine(
    event: InvoiceEvent,
    existing: IdempotencyRecord | undefined,
    inProgressMs: number,
    round: number,
  ): Promise<Claim> {
    const reclaim = (): Promise<Claim> =>
      round < MAX_RECLAIMS
        ? this.#claim(event, inProgressMs, round + 1)
        : Promise.resolve({ kind: 'inProgress', event });
    let record = existing;
    for (let attempt = 0; ; attempt++) {
      try {
        // Validates the payload hash (IdempotencyValidationError on a mismatch) whatever the status.
        record = record
          ? this.#persistence.processExistingRecord(record, event)
          : await this.#persistence.getRecord(event);
      } catch (error) {
        if (error instanceof IdempotencyValidationError) return { kind: 'conflict', event };
        // Gone since the put failed (released, or expired and removed): claim it afresh.
        if (error instanceof IdempotencyItemNotFoundError) return reclaim();
        return { kind: 'unavailable', event, error };
      }
      const status = record.getStatus();
      if (status === IdempotencyRecordStatus.COMPLETED) {
        return { kind: 'repeated', event, original: record.getResponse() as PublishedOutcome | undefined };
      }
      // Expired since the put failed: the conditional put will now succeed.
      if (status === IdempotencyRecordStatus.EXPIRED) return reclaim();
      const wait = this.#waitsMs[attempt];
      if (wait === undefined) return { kind: 'inProgress', event };
      await this.#sleep(wait);
      record = undefined;
    }
  }
}

/**
 * Powertools builds a new JMESPath interpreter for every search, and each build walks the functions'
 * prototype chain again to list the JMESPath functions (`Functions.introspectMethods`): about 5 µs
 * per search, four searches per new event (key and payload hash, at the claim and at completion),
 * some 15 % of the ingest handler's CPU per event in the local cell's profile. The functions of a
 * config never change once it is built, so its instance answers every later walk with the first one's
 * result; what the searches find is unchanged (`test/unit/handlers/eventIdempotencyKeys.test.ts`).
 */
export function introspectedOnce(config: IdempotencyConfig): IdempotencyConfig {
  const functions = config.jmesPathOptions.customFunctions;
  if (functions) {
    const methods = functions.introspectMethods();
    functions.introspectMethods = () => methods;
  }
  return config;
}
