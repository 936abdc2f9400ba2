import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActionInput } from './actions/input.ts';
import type { EventBridgeStore } from './EventBridgeStore.ts';
import { EventBridgeError, InternalError, SerializationError, UnknownOperationError } from './errors.ts';
import { MAX_REQUEST_BODY_BYTES } from './limits.ts';
import type { EmulatorLogger } from './options.ts';

/** One API action: parsed JSON input in, JSON output out. Synchronous because the store is. */
export type ActionHandler = (input: ActionInput, store: EventBridgeStore) => unknown;

const TARGET_PREFIX = 'AWSEvents.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * Owns the EventBridge wire protocol (AWS JSON 1.1): `POST /` with `X-Amz-Target: AWSEvents.<Action>`,
 * a JSON body, and errors as `{"__type": "<Code>", "message": "…"}` plus `x-amzn-ErrorType`, which is
 * what the real `@aws-sdk/client-eventbridge` parses into its exception classes. Counts requests
 * per action for the benchmark's requests-per-1000-events figure.
 */
export class EventBridgeRouter {
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly counts = new Map<string, number>();
  private inFlight = 0;
  private draining = false;
  private idle?: () => void;

  constructor(
    private readonly store: EventBridgeStore,
    private readonly logger: EmulatorLogger,
  ) {}

  register(action: string, handler: ActionHandler): this {
    this.handlers.set(action, handler);
    return this;
  }

  /** Requests received per action since start (including ones that failed), e.g. `{ PutEvents: 120 }`. */
  requestCounts(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  /**
   * Stop answering new requests (they get 503, which SDK clients retry) and wait for the ones
   * in progress, so none is cut off between its commit and its answer.
   */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      this.idle = resolve;
    });
  }

  /** `node:http` request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.inFlight++;
    this.handle(req, res)
      .catch((error: unknown) => {
        this.logger.error('EventBridge emulator: unexpected error answering a request', { error: String(error) });
        if (!res.headersSent) this.send(res, 500, new InternalError('Internal error').toJSON(), 'InternalException');
        else res.destroy();
      })
      .finally(() => {
        this.inFlight--;
        if (this.inFlight === 0) this.idle?.();
      });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.draining) {
      req.resume();
      this.send(res, 503, { __type: 'ServiceUnavailableException', message: 'The emulator is shutting down.' });
      return;
    }
    const target = req.headers['x-amz-target'];
    const action =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    this.counts.set(action || '(none)', (this.counts.get(action || '(none)') ?? 0) + 1);
    try {
      if (req.method !== 'POST') throw new UnknownOperationError(`${req.method} is not supported; use POST /.`);
      const handler = this.handlers.get(action);
      if (!handler) {
        throw new UnknownOperationError(
          action ? `Unknown operation ${action}.` : 'Missing or malformed X-Amz-Target header (AWSEvents.<Action>).',
        );
      }
      const input = parseBody(await readBody(req));
      // The store is closed only after drain(); a request that raced past it is answered as transient.
      if (this.store.isClosed) throw new InternalError('The emulator is shutting down.');
      this.send(res, 200, handler(input, this.store));
    } catch (error) {
      const wireError =
        error instanceof EventBridgeError ? error : new InternalError('Internal error', { cause: error });
      if (!(error instanceof EventBridgeError)) {
        this.logger.error('EventBridge emulator: action failed', { action, error: String(error) });
      }
      if (!req.complete) req.resume();
      this.send(res, wireError.statusCode, wireError.toJSON(), wireError.code);
    }
  }

  private send(res: ServerResponse, status: number, payload: unknown, errorType?: string): void {
    const body = JSON.stringify(payload ?? {});
    res.writeHead(status, {
      'content-type': CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(body);
  }
}

/**
 * Reads the body; an oversized body is consumed to the end (not buffered) so the client still gets
 * a proper 413 instead of a reset connection.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_REQUEST_BODY_BYTES) {
        reject(new SerializationError(`Request body is larger than ${MAX_REQUEST_BODY_BYTES} bytes.`, 413));
      } else {
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    req.on('error', reject);
  });
}

function parseBody(text: string): ActionInput {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new SerializationError('The request body is not valid JSON.', 400, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SerializationError('The request body must be a JSON object.');
  }
  return value as ActionInput;
}
