import { randomUUID } from 'node:crypto';
import type { ActionHandler, ActionInput } from './actions/input.ts';
import type { DynamoDBStore } from './DynamoDBStore.ts';
import { DynamoDBServiceError, InternalServerError, SerializationError, UnknownOperationError } from './errors.ts';

/** `X-Amz-Target` is `DynamoDB_20120810.<Operation>` (AWS JSON 1.0 protocol). */
export const TARGET_PREFIX = 'DynamoDB_20120810.';
export const AMZ_JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** Minimal logger; Powertools' Logger and `console` both fit. */
export interface EmulatorLogger {
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

export const SILENT_LOGGER: EmulatorLogger = { info() {}, warn() {}, error() {} };

export interface RouterResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface DynamoDBRouterOptions {
  readonly store: DynamoDBStore;
  readonly region: string;
  readonly accountId: string;
  readonly logger?: EmulatorLogger;
  /** Clock (epoch ms). @default Date.now */
  readonly now?: () => number;
}

/**
 * Owns the wire protocol: finds the operation from `X-Amz-Target`, parses the JSON body, runs the
 * operation and turns its result or error into an AWS JSON 1.0 response (`__type` in the body,
 * which is what `@aws-sdk/client-dynamodb` reads into its exception classes).
 */
export class DynamoDBRouter {
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly counts = new Map<string, number>();
  private readonly logger: EmulatorLogger;
  private readonly now: () => number;

  constructor(private readonly options: DynamoDBRouterOptions) {
    this.logger = options.logger ?? SILENT_LOGGER;
    this.now = options.now ?? Date.now;
  }

  register(operation: string, handler: ActionHandler): this {
    this.handlers.set(operation, handler);
    return this;
  }

  /** Requests received per operation (unknown targets under `UnknownOperation`). */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  handle(target: string | undefined, body: string): RouterResponse {
    const requestId = randomUUID();
    const operation = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const handler = this.handlers.get(operation);
    const counted = handler ? operation : 'UnknownOperation';
    this.counts.set(counted, (this.counts.get(counted) ?? 0) + 1);
    try {
      if (!handler) throw new UnknownOperationError(target);
      const { store, region, accountId } = this.options;
      const output = handler(parseBody(body), { store, nowMs: this.now(), region, accountId });
      return respond(200, output ?? {}, requestId);
    } catch (error) {
      if (error instanceof DynamoDBServiceError) return respond(error.statusCode, error.toWire(), requestId);
      // A bug or an SQLite failure: nothing was committed; answer 500 (transient) and log the detail.
      this.logger.error(`DynamoDB ${counted} failed`, { requestId, error });
      const internal = new InternalServerError(`Internal server error (request ${requestId})`, { cause: error });
      return respond(internal.statusCode, internal.toWire(), requestId);
    }
  }
}

function parseBody(body: string): ActionInput {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new SerializationError('Request body is not valid JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SerializationError('Request body must be a JSON object');
  }
  return parsed as ActionInput;
}

function respond(status: number, payload: unknown, requestId: string): RouterResponse {
  return {
    status,
    headers: { 'content-type': AMZ_JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify(payload),
  };
}
