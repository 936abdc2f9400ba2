import type { MessagePort } from 'node:worker_threads';
import { connectionRefused } from '../../http/socketless.ts';
import { endOfTurn } from '../../worker/endOfTurn.ts';
import type {
  PortReplyMessage,
  PortReplyPost,
  PortRequestMessage,
  PortRequestPost,
  PortService,
} from '../../worker/portProtocol.ts';
import type { SdkHandlerOptions, SdkHttpRequest, SdkHttpResponse } from './sdkHttp.ts';
import { abortError, pathOf, timeoutError } from './sdkHttp.ts';

interface Pending {
  readonly resolve: (response: SdkHttpResponse) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout | undefined;
  readonly onAbort: (() => void) | undefined;
  readonly abortSignal: SdkHandlerOptions['abortSignal'];
  /** Posted and counted in {@link EmulatorPort.working} (not a long poll) until it is settled. */
  working: boolean;
}

/** Where a {@link PortRequestHandler} sends: the port to the worker, or an emulator on the same thread. */
export interface RequestSender {
  send(
    service: PortService,
    request: Omit<PortRequestMessage, 'id' | 'service'>,
    timeoutMs: number,
    abortSignal?: SdkHandlerOptions['abortSignal'],
  ): Promise<SdkHttpResponse>;
}

const TEXT = new TextEncoder();
const EMPTY = new Uint8Array(0);

/**
 * The main thread's end of the port to the emulator worker (`local/worker/servePort.ts`): sends
 * serialized HTTP requests and settles each with its answer. Nothing of HTTP's client and server
 * runs for such a call — no socket, no parser, no agent — which was about a third of each
 * thread's CPU per event (docs/PERFORMANCE.md, "In-process transport").
 *
 * Failures look like network errors, which the AWS SDK retries: once the worker is gone (the port
 * closed, or {@link fail} called) every pending and later request rejects with `ECONNREFUSED`;
 * a request without an answer within its `requestTimeout` rejects with a `TimeoutError`.
 *
 * Posting adapts to the worker (see {@link send}): a request is posted at once while the worker has
 * none of ours to work on, and gathered while it has, to be posted with the others of this
 * event-loop turn in one message — when the worker answers everything before, or at the end of the
 * turn. Off by default (`gather: false`: every request at once): see `LocalCellOptions.gatherPortMessages`.
 */
export class EmulatorPort implements RequestSender {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: string | undefined;
  /** Requests posted and not answered, long polls aside: while above 0 the worker is busy with ours. */
  private working = 0;
  /** Requests held while the worker is busy; {@link flush} posts them together. */
  private outbox: PortRequestMessage[] = [];
  private readonly flushAtEndOfTurn = endOfTurn(() => this.flush());
  private readonly gather: boolean;

  constructor(
    private readonly port: MessagePort,
    options: { readonly gather?: boolean } = {},
  ) {
    this.gather = options.gather ?? false;
    port.on('message', (post: PortReplyPost) => {
      if (Array.isArray(post)) for (const reply of post) this.settle(reply);
      else this.settle(post as PortReplyMessage);
    });
    port.on('close', () => this.fail('the port to the emulator thread closed'));
    // Idle, the port keeps no process alive; a request in flight does (as a socket would).
    port.unref();
  }

  /** An SDK request handler for one service's client (`requestHandler` in its config). */
  handler(service: PortService, options: { readonly requestTimeout?: number } = {}): PortRequestHandler {
    return new PortRequestHandler(this, service, options);
  }

  /** From now on every request fails as a refused connection; pending ones too. */
  fail(reason: string): void {
    this.failure ??= reason;
    this.outbox = [];
    for (const [id, waiter] of this.pending) this.finish(id, waiter)?.reject(refused(reason));
  }

  send(
    service: PortService,
    request: Omit<PortRequestMessage, 'id' | 'service'>,
    timeoutMs: number,
    abortSignal?: SdkHandlerOptions['abortSignal'],
  ): Promise<SdkHttpResponse> {
    if (this.failure) return Promise.reject(refused(this.failure));
    if (abortSignal?.aborted) return Promise.reject(abortError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => this.finish(id, this.pending.get(id))?.reject(timeoutError(timeoutMs)), timeoutMs)
          : undefined;
      const onAbort =
        abortSignal && 'addEventListener' in abortSignal
          ? () => this.finish(id, this.pending.get(id))?.reject(abortError())
          : undefined;
      if (onAbort) (abortSignal as AbortSignal).addEventListener('abort', onAbort, { once: true });
      if (this.pending.size === 0) this.port.ref();
      this.pending.set(id, { resolve, reject, timer, onAbort, abortSignal, working: false });
      const message: PortRequestMessage = { ...request, id, service };
      if (this.gather && (this.working > 0 || this.outbox.length > 0)) this.hold(message);
      else this.post(message);
    });
  }

  /**
   * Keeps a request for {@link flush}: the worker is busy with earlier ones, so a message now would
   * cost the posting (and the worker's handling of one more message) without starting it sooner.
   * Posting once per turn regardless (downcpu's b32c9b8) saved CPU on a loaded host but lost rate
   * on a quiet one, where an idle worker waited for the end of each turn (docs/PERFORMANCE.md).
   */
  private hold(message: PortRequestMessage): void {
    this.outbox.push(message);
    this.flushAtEndOfTurn();
  }

  /** Posts the held requests in one message (one alone as itself); one settled meanwhile is not sent. */
  private flush(): void {
    if (this.outbox.length === 0) return;
    const held = this.outbox.filter((message) => this.pending.has(message.id));
    this.outbox = [];
    if (held.length === 1) this.post(held[0]!);
    else if (held.length > 1) {
      for (const message of held) this.count(message);
      const post: PortRequestPost = held;
      this.port.postMessage(
        post,
        held.map((message) => message.body.buffer as ArrayBuffer),
      );
    }
  }

  private post(message: PortRequestMessage): void {
    this.count(message);
    this.port.postMessage(message, [message.body.buffer as ArrayBuffer]);
  }

  private count(message: PortRequestMessage): void {
    if (message.longPoll) return;
    this.pending.get(message.id)!.working = true;
    this.working += 1;
  }

  private settle(reply: PortReplyMessage): void {
    const waiter = this.finish(reply.id, this.pending.get(reply.id));
    if (!waiter) return; // timed out or aborted meanwhile
    if ('error' in reply) {
      waiter.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      return;
    }
    const body = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength);
    waiter.resolve({ statusCode: reply.status, headers: { ...reply.headers }, body });
  }

  /** Removes a pending request (its timer, its abort listener); undefined if it was settled already. */
  private finish(id: number, waiter: Pending | undefined): Pending | undefined {
    if (!waiter) return undefined;
    this.pending.delete(id);
    if (waiter.timer) clearTimeout(waiter.timer);
    if (waiter.onAbort) (waiter.abortSignal as AbortSignal).removeEventListener('abort', waiter.onAbort);
    if (this.pending.size === 0) this.port.unref();
    if (waiter.working) {
      waiter.working = false;
      this.working -= 1;
      // The worker has answered all of ours: what is held would only wait for the end of the turn.
      if (this.working === 0) this.flush();
    }
    return waiter;
  }
}

/**
 * An AWS SDK request handler (the `requestHandler` of a client's config) that sends its client's
 * requests over the {@link EmulatorPort} (or another {@link RequestSender}) instead of loopback HTTP. The client keeps its commands,
 * serde, middleware and retries; the endpoint's host and port are not used (the service names the
 * emulator). Bodies are strings or bytes (JSON and query protocols); streams are rejected.
 */
export class PortRequestHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly config: { requestTimeout: number };

  constructor(
    private readonly sender: RequestSender,
    private readonly service: PortService,
    options: { readonly requestTimeout?: number } = {},
  ) {
    this.config = { requestTimeout: options.requestTimeout ?? 10_000 };
  }

  handle(sdkRequest: SdkHttpRequest, options: SdkHandlerOptions = {}): Promise<{ response: SdkHttpResponse }> {
    const body = requestBytes(sdkRequest.body);
    if (!body) return Promise.reject(new Error('PortRequestHandler does not send streaming bodies'));
    const headers: Record<string, string> = {};
    for (const name in sdkRequest.headers) headers[name.toLowerCase()] = sdkRequest.headers[name]!;
    const timeoutMs = options.requestTimeout ?? this.config.requestTimeout;
    const path = pathOf(sdkRequest);
    const request = options.longPoll
      ? { method: sdkRequest.method, path, headers, body, longPoll: true as const }
      : { method: sdkRequest.method, path, headers, body };
    return this.sender.send(this.service, request, timeoutMs, options.abortSignal).then((response) => ({ response }));
  }

  updateHttpClientConfig(key: 'requestTimeout', value: number): void {
    this.config[key] = value;
  }

  httpHandlerConfigs(): { requestTimeout: number } {
    return { ...this.config };
  }

  /** Nothing to close: the sender (the port) belongs to the emulator worker's handle. */
  destroy(): void {}
}

/**
 * The body as bytes of their own, transferred to the worker: a string is encoded once; bytes are
 * copied once, since the SDK may send the same body again on a retry. Undefined: a stream.
 */
function requestBytes(body: unknown): Uint8Array | undefined {
  if (body === undefined || body === null) return EMPTY.slice();
  if (typeof body === 'string') return TEXT.encode(body);
  if (body instanceof Uint8Array) return body.slice();
  return undefined;
}

function refused(reason: string): Error {
  return connectionRefused(`emulator worker: ${reason}`);
}
