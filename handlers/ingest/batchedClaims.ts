import {
  type AttributeValue,
  BatchExecuteStatementCommand,
  type BatchStatementError,
  type BatchStatementRequest,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { sendWithRetries, TurnBatches } from './turnBatches.ts';

/**
 * Idempotency claims of one turn of the event loop sent as one `BatchExecuteStatement` of PartiQL
 * `INSERT`s (up to 25 per call) instead of one conditional PutItem each (ADR 0022).
 *
 * An INSERT writes the item only if its key is free, and fails on its own with `DuplicateItem`
 * otherwise — the common case (a new eventId) costs one write unit, as the PutItem did, but one call
 * serves the whole request. A key that is taken is not an answer yet: the record there may be
 * expired, or held by a request that died, which Powertools' conditional PutItem reclaims. So a
 * `DuplicateItem` hands the claim back to the caller (`taken`), which runs the PutItem path that reads
 * the existing record. Throttling and other transient per-statement errors are sent again after
 * jittered waits; what still fails, or fails for good, is rejected with the statement's error.
 */

/** Per-statement error codes worth sending again (DynamoDB's BatchStatementError codes). */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  'TransactionConflict',
  'InternalServerError',
]);
/** DynamoDB's limit on one BatchExecuteStatement call. */
const MAX_STATEMENTS = 25;
const DEFAULT_RETRY_WAITS_MS = [25, 100, 400] as const;

/** What a claim came to: written, or the key is taken (look at the record there). */
export type ClaimResult = 'claimed' | 'taken';

/** A statement that failed for good, or still failed after the retries. */
export class ClaimStatementError extends Error {
  readonly code: string | undefined;

  constructor(error: BatchStatementError, options?: ErrorOptions) {
    super(`DynamoDB refused the claim: ${error.Code ?? 'unknown error'}: ${error.Message ?? ''}`.trim(), options);
    this.name = 'ClaimStatementError';
    this.code = error.Code;
  }
}

interface PendingClaim {
  readonly itemKey: string;
  readonly statement: BatchStatementRequest;
  readonly settle: { resolve: (result: ClaimResult) => void; reject: (error: unknown) => void };
}

export interface BatchedClaimsOptions {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** Waits before sending again the statements that failed transiently. @default [25, 100, 400] (jittered) */
  readonly retryWaitsMs?: readonly number[];
}

export class BatchedClaims {
  readonly #client: DynamoDBClient;
  readonly #insertInto: string;
  readonly #waitsMs: readonly number[];
  readonly #batches = new TurnBatches<PendingClaim>(MAX_STATEMENTS, (batch) => this.#send(batch));
  /** Statement texts by the record's attribute names (see `#insertOf`). */
  readonly #inserts = new Map<string, string>();

  constructor(options: BatchedClaimsOptions) {
    this.#client = options.client;
    this.#insertInto = `INSERT INTO ${doubleQuoted(options.tableName)} VALUE `;
    this.#waitsMs = options.retryWaitsMs ?? DEFAULT_RETRY_WAITS_MS;
  }

  /** Inserts `item` unless its key exists; `itemKey` is its partition key's value. */
  claim(itemKey: string, item: Record<string, AttributeValue>): Promise<ClaimResult> {
    const names = Object.keys(item);
    const statement = { Statement: this.#insertOf(names), Parameters: names.map((name) => item[name]!) };
    return new Promise((resolve, reject) => this.#batches.push({ itemKey, statement, settle: { resolve, reject } }));
  }

  /**
   * The INSERT of a record with these attributes, built once per list of names: a claim's record has
   * one of a few (with or without the in-progress expiry and the payload hash), and every claim of a
   * request would otherwise quote and join the same names again.
   */
  #insertOf(names: readonly string[]): string {
    const key = names.join('\u0000');
    let text = this.#inserts.get(key);
    if (text === undefined) {
      text = `${this.#insertInto}{${names.map((name) => `${singleQuoted(name)}: ?`).join(', ')}}`;
      this.#inserts.set(key, text);
    }
    return text;
  }

  async #send(batch: readonly PendingClaim[]): Promise<void> {
    const lastError = new Map<PendingClaim, BatchStatementError>();
    try {
      const unsent = await sendWithRetries(batch, this.#waitsMs, async (claims) => {
        const output = await this.#client.send(
          new BatchExecuteStatementCommand({ Statements: claims.map((c) => c.statement) }),
        );
        return claims.filter((claim, i) => {
          const error = output.Responses?.[i]?.Error;
          if (!error) claim.settle.resolve('claimed');
          else if (error.Code === 'DuplicateItem') claim.settle.resolve('taken');
          else if (!TRANSIENT_CODES.has(error.Code ?? '')) claim.settle.reject(new ClaimStatementError(error));
          else {
            lastError.set(claim, error);
            return true; // sent again
          }
          return false;
        });
      });
      for (const claim of unsent) claim.settle.reject(new ClaimStatementError(lastError.get(claim)!));
    } catch (error) {
      // The call itself failed (after the SDK's own retries): no pending statement is known to be written.
      for (const claim of batch) claim.settle.reject(error);
    }
  }
}

/** A PartiQL identifier: double quotes, a double quote doubled. */
function doubleQuoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A PartiQL string (the tuple's attribute names): single quotes, a single quote doubled. */
function singleQuoted(name: string): string {
  return `'${name.replaceAll("'", "''")}'`;
}
