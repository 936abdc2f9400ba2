import { randomUUID } from 'node:crypto';
import { type AwsErrorClass, AwsServiceError } from './AwsServiceError.ts';
import { AWS_JSON_SERVICES, type AwsJsonProtocol, type AwsJsonService } from './awsJsonServices.ts';
import { type EmulatorLogger, SILENT_LOGGER } from './EmulatorLogger.ts';
import type { ActionInput } from './InputReader.ts';

/** One API action: the parsed JSON input and the service's context in, the JSON output out. */
export type ActionHandler<C> = (input: ActionInput, context: C) => unknown;

/** A request as the HTTP side hands it over. */
export interface JsonRequest {
  /** The `X-Amz-Target` header. */
  readonly target: string | undefined;
  readonly body: string;
  /** Host name the client used to reach the emulator (no port). */
  readonly host: string;
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface JsonProtocolRouterOptions<C> {
  readonly service: AwsJsonService;
  /** The service's own 500 (nothing was committed), for a failure that is not a wire error. */
  readonly internalError: AwsErrorClass;
  /** What every action sees besides its input, built per request. */
  readonly context: (request: JsonRequest, nowMs: number) => C;
  /** Runs before an action's body is parsed; throws to answer with that error instead (an injected fault). */
  readonly beforeAction?: (operation: string, nowMs: number) => void;
  readonly logger?: EmulatorLogger;
  /** Clock (epoch ms). @default Date.now */
  readonly now?: () => number;
}

/** What the HTTP side (one emulator's server, or a front end serving several) needs of a router. */
export interface JsonProtocolHandler {
  readonly service: AwsJsonService;
  serves(target: string | undefined): boolean;
  handle(request: JsonRequest): JsonResponse;
  requestCounts(): Record<string, number>;
  errorResponse(status: number, code: string, message: string, headers?: Record<string, string>): JsonResponse;
}

/** Requests for a missing or unknown target are counted under this name. */
export const UNKNOWN_OPERATION = 'UnknownOperation';

/**
 * Owns an AWS JSON protocol: finds the operation from `X-Amz-Target`, parses the JSON body, runs
 * the operation and turns its result or error into the response the real SDK expects (`__type`
 * and `message` in the body). Counts requests per operation for the benchmark's
 * requests-per-event figures. Synchronous, because the stores are: a request is answered from one
 * turn of the event loop.
 */
export class JsonProtocolRouter<C> implements JsonProtocolHandler {
  readonly service: AwsJsonService;
  readonly protocol: AwsJsonProtocol;
  readonly contentType: string;
  private readonly handlers = new Map<string, ActionHandler<C>>();
  private readonly counts = new Map<string, number>();
  private readonly logger: EmulatorLogger;
  private readonly now: () => number;

  constructor(private readonly options: JsonProtocolRouterOptions<C>) {
    this.service = options.service;
    this.protocol = AWS_JSON_SERVICES[options.service];
    this.contentType = `application/x-amz-json-${this.protocol.jsonVersion}`;
    this.logger = options.logger ?? SILENT_LOGGER;
    this.now = options.now ?? Date.now;
  }

  register(operation: string, handler: ActionHandler<C>): this {
    this.handlers.set(operation, handler);
    return this;
  }

  /** Whether `target` names an operation of this service (for a front end serving several). */
  serves(target: string | undefined): boolean {
    return target?.startsWith(this.protocol.targetPrefix) ?? false;
  }

  /** Requests received per operation since start, sorted by name (unknown targets under `UnknownOperation`). */
  requestCounts(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  handle(request: JsonRequest): JsonResponse {
    const requestId = randomUUID();
    const { service } = this;
    const { targetPrefix } = this.protocol;
    const operation = this.serves(request.target) ? request.target!.slice(targetPrefix.length) : '';
    const handler = this.handlers.get(operation);
    const counted = handler ? operation : UNKNOWN_OPERATION;
    this.counts.set(counted, (this.counts.get(counted) ?? 0) + 1);
    try {
      if (!handler) {
        const message = request.target
          ? `Unknown operation ${request.target}`
          : `Missing X-Amz-Target header (${targetPrefix}<Operation>)`;
        throw this.protocolError('UnknownOperationException', message);
      }
      const nowMs = this.now();
      this.options.beforeAction?.(operation, nowMs);
      const output = handler(this.parseBody(request.body), this.options.context(request, nowMs));
      return this.respond(200, output ?? {}, requestId);
    } catch (error) {
      if (error instanceof AwsServiceError) {
        if (error.statusCode >= 500) this.logger.warn(`${service} ${counted} answered ${error.code}`, { requestId });
        return this.respond(error.statusCode, error.toWire(), requestId, error.code);
      }
      // A bug or an SQLite failure: nothing was committed; answer 500 (transient) and log the detail.
      this.logger.error(`${service} ${counted} failed`, { requestId, error });
      const internal = new this.options.internalError(undefined, { cause: error });
      return this.respond(internal.statusCode, internal.toWire(), requestId, internal.code);
    }
  }

  /** A protocol-level error answer (wrong method, body too large, shutting down) in this service's form. */
  errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): JsonResponse {
    const response = this.respond(status, { __type: code, message }, randomUUID(), code);
    return { ...response, headers: { ...response.headers, ...headers } };
  }

  private parseBody(body: string): ActionInput {
    // A body starting with '{' is not blank: spares trimming a large (up to ~6 MB) batch.
    if (body.charCodeAt(0) !== 0x7b && body.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw this.protocolError('SerializationException', 'Request body is not valid JSON', error);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw this.protocolError('SerializationException', 'Request body must be a JSON object');
    }
    return parsed as ActionInput;
  }

  /** A 400 of the protocol layer, in the service's namespace. */
  private protocolError(code: string, message: string, cause?: unknown): AwsServiceError {
    const spec = { code, statusCode: 400, typePrefix: this.protocol.protocolErrorPrefix };
    return new AwsServiceError(spec, message, cause === undefined ? undefined : { cause });
  }

  private respond(status: number, payload: unknown, requestId: string, errorType?: string): JsonResponse {
    const headers: Record<string, string> = { 'content-type': this.contentType, 'x-amzn-requestid': requestId };
    if (errorType && this.protocol.errorTypeHeader) headers['x-amzn-errortype'] = errorType;
    return { status, headers, body: JSON.stringify(payload) };
  }
}
