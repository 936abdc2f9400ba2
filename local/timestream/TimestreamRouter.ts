import { randomUUID } from 'node:crypto';
import { InternalServerError, SerializationError, TimestreamServiceError, UnknownOperationError } from './errors.ts';
import type { FaultSwitch } from './FaultSwitch.ts';
import type { TimestreamStore } from './TimestreamStore.ts';

/** `X-Amz-Target` is `Timestream_20181101.<Action>` (AWS JSON 1.0 protocol). */
export const TARGET_PREFIX = 'Timestream_20181101.';
export const AMZ_JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** Minimal logger; Powertools' Logger and `console` both fit. */
export interface EmulatorLogger {
  debug?(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

export const SILENT_LOGGER: EmulatorLogger = { info() {}, warn() {}, error() {} };

/** What an action sees besides its input. */
export interface ActionContext {
  readonly store: TimestreamStore;
  readonly nowMs: number;
  /** Host name the client used to reach the emulator (no port); DescribeEndpoints returns it. */
  readonly host: string;
  readonly region: string;
  readonly accountId: string;
}

export type ActionInput = Record<string, unknown>;
export type ActionHandler = (input: ActionInput, context: ActionContext) => unknown;

export interface RouterRequest {
  readonly target: string | undefined;
  readonly body: string;
  readonly host: string;
}

export interface RouterResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface TimestreamRouterOptions {
  readonly store: TimestreamStore;
  readonly faults: FaultSwitch;
  readonly region: string;
  readonly accountId: string;
  readonly logger?: EmulatorLogger;
  /** Clock (epoch ms); injectable so retention tests need not wait. */
  readonly now?: () => number;
  /** Actions that an injected fault does not affect (endpoint discovery is a separate service path). */
  readonly faultExempt?: readonly string[];
}

/**
 * Owns the wire protocol: finds the action from `X-Amz-Target`, parses the JSON body, applies an
 * injected fault, runs the action and turns its result or error into an AWS JSON 1.0 response.
 */
export class TimestreamRouter {
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly counts = new Map<string, number>();
  private readonly logger: EmulatorLogger;
  private readonly now: () => number;

  constructor(private readonly options: TimestreamRouterOptions) {
    this.logger = options.logger ?? SILENT_LOGGER;
    this.now = options.now ?? Date.now;
  }

  register(action: string, handler: ActionHandler): this {
    this.handlers.set(action, handler);
    return this;
  }

  /** Requests received per action name (unknown targets under `UnknownOperation`). */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  handle(request: RouterRequest): RouterResponse {
    const requestId = randomUUID();
    const action = request.target?.startsWith(TARGET_PREFIX) ? request.target.slice(TARGET_PREFIX.length) : undefined;
    const handler = action === undefined ? undefined : this.handlers.get(action);
    const counted = handler ? action! : 'UnknownOperation';
    this.counts.set(counted, (this.counts.get(counted) ?? 0) + 1);
    try {
      if (!handler) throw new UnknownOperationError(request.target);
      const nowMs = this.now();
      if (!this.options.faultExempt?.includes(action!)) {
        const fault = this.options.faults.errorFor(nowMs);
        if (fault) throw fault;
      }
      const input = parseBody(request.body);
      const output = handler(input, {
        store: this.options.store,
        nowMs,
        host: request.host,
        region: this.options.region,
        accountId: this.options.accountId,
      });
      return respond(200, output ?? {}, requestId);
    } catch (error) {
      if (error instanceof TimestreamServiceError) {
        if (error.statusCode >= 500) this.logger.warn(`Timestream ${counted} answered ${error.code}`, { requestId });
        return respond(error.statusCode, error.toWire(), requestId, error.code);
      }
      // A bug or an SQLite failure: answer 500 (transient for the client) and keep the detail in the log.
      this.logger.error(`Timestream ${counted} failed`, { requestId, error });
      const internal = new InternalServerError(`Internal error (request ${requestId})`, { cause: error });
      return respond(internal.statusCode, internal.toWire(), requestId, internal.code);
    }
  }
}

function parseBody(body: string): ActionInput {
  // A body starting with '{' is not blank: spares trimming every (~10 KB) WriteRecords body.
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
  const headers: Record<string, string> = {
    'content-type': AMZ_JSON_CONTENT_TYPE,
    'x-amzn-requestid': requestId,
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  return { status, headers, body: JSON.stringify(payload) };
}
