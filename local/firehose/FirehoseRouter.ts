import { randomUUID } from 'node:crypto';
import { FirehoseServiceError, InternalFailureError, SerializationError, UnknownOperationError } from './errors.ts';
import type { FaultSwitch } from './FaultSwitch.ts';
import type { FirehoseStore } from './FirehoseStore.ts';
import type { ActionInput } from './readInput.ts';

/** `X-Amz-Target` is `Firehose_20150804.<Operation>` (AWS JSON 1.1 protocol). */
export const TARGET_PREFIX = 'Firehose_20150804.';
export const AMZ_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Minimal logger; Powertools' Logger and `console` both fit. */
export interface EmulatorLogger {
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

export const SILENT_LOGGER: EmulatorLogger = { info() {}, warn() {}, error() {} };

/** What an operation sees besides its input. */
export interface ActionContext {
  readonly store: FirehoseStore;
  readonly faults: FaultSwitch;
  readonly nowMs: number;
  readonly region: string;
  readonly accountId: string;
}

export type ActionHandler = (input: ActionInput, context: ActionContext) => unknown;

export interface RouterResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface FirehoseRouterOptions {
  readonly store: FirehoseStore;
  readonly faults: FaultSwitch;
  readonly region: string;
  readonly accountId: string;
  readonly logger?: EmulatorLogger;
  /** Clock (epoch ms). @default Date.now */
  readonly now?: () => number;
}

/** The data plane: the operations a request-level injected fault fails. */
const DATA_PLANE = new Set(['PutRecord', 'PutRecordBatch']);

/**
 * Owns the wire protocol: finds the operation from `X-Amz-Target`, parses the JSON body, applies
 * an injected request-level fault to the data plane, runs the operation and turns its result or
 * error into an AWS JSON 1.1 response (`__type` in the body and `x-amzn-ErrorType`, which is what
 * `@aws-sdk/client-firehose` reads into its exception classes).
 */
export class FirehoseRouter {
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly counts = new Map<string, number>();
  private readonly logger: EmulatorLogger;
  private readonly now: () => number;

  constructor(private readonly options: FirehoseRouterOptions) {
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
      const nowMs = this.now();
      if (DATA_PLANE.has(operation)) {
        const fault = this.options.faults.requestError(nowMs);
        if (fault) throw fault;
      }
      const { store, faults, region, accountId } = this.options;
      const output = handler(parseBody(body), { store, faults, nowMs, region, accountId });
      return respond(200, output ?? {}, requestId);
    } catch (error) {
      if (error instanceof FirehoseServiceError) {
        if (error.transient) this.logger.warn(`Firehose ${counted} answered ${error.code}`, { requestId });
        return respond(error.statusCode, error.toWire(), requestId, error.code);
      }
      // A bug or an SQLite failure: nothing was committed; answer 500 (transient) and log the detail.
      this.logger.error(`Firehose ${counted} failed`, { requestId, error });
      const internal = new InternalFailureError(`Internal service failure (request ${requestId})`, { cause: error });
      return respond(internal.statusCode, internal.toWire(), requestId, internal.code);
    }
  }
}

function parseBody(body: string): ActionInput {
  // A body starting with '{' is not blank: spares trimming a (up to ~6 MB) PutRecordBatch body.
  if (body.charCodeAt(0) !== 0x7b && body.trim() === '') return {};
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

function respond(status: number, payload: unknown, requestId: string, errorType?: string): RouterResponse {
  const headers: Record<string, string> = { 'content-type': AMZ_JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  return { status, headers, body: JSON.stringify(payload) };
}
