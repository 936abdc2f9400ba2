import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES, type ErrorResponse, INTEGRATION_TIMEOUT_MESSAGE } from '../../../../schemas/errorResponse.ts';
import { AdmissionControl } from '../AdmissionControl.ts';
import { API_LIMITS } from '../limits.ts';
import type { FrontReply, FrontRequest, FrontWorkerData } from './frontProtocol.ts';
import { readNodeBody } from './readNodeBody.ts';

/** The only route admission control guards, as on the main thread (`createApiApp`'s `admitted`). */
const ADMITTED_ROUTE = /^\/invoices\/[^/]+$/;

interface Pending {
  readonly res: ServerResponse;
  readonly timer: NodeJS.Timeout;
  /** Releases the request's admission slot; undefined for routes admission does not guard. */
  readonly leave: (() => unknown) | undefined;
}

/**
 * The API's HTTP front, on a thread of its own: it reads each request, applies admission control
 * and hands the request to the main thread (`handOver`), where the API's app answers it. The
 * front does little, so it stays responsive while the main thread is saturated by the handlers and
 * pollers: an overloaded cell answers 503 `OVERLOADED` at once, and a request the main thread does
 * not answer within API Gateway's integration timeout gets API Gateway's 504 — never silence.
 *
 * Admission counts the requests handed over and not yet answered, the age of the oldest of them and
 * the main thread's lateness (its heartbeat: a heartbeat that does not come is lateness too).
 */
export class ApiFront {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly admission: AdmissionControl;
  private lastHeartbeatAt = performance.now();
  private reportedDelayMs = 0;

  constructor(
    private readonly settings: Pick<FrontWorkerData, 'admission' | 'integrationTimeoutMs' | 'heartbeatMs'>,
    private readonly handOver: (request: FrontRequest) => void,
  ) {
    this.admission = new AdmissionControl(settings.admission, () => this.mainLoopDelayMs());
  }

  /** The main thread's lateness: what it reported, or how overdue its next heartbeat is. */
  mainLoopDelayMs(): number {
    const overdue = performance.now() - this.lastHeartbeatAt - this.settings.heartbeatMs;
    return Math.max(this.reportedDelayMs, overdue);
  }

  heartbeat(delayMs: number): void {
    this.lastHeartbeatAt = performance.now();
    this.reportedDelayMs = delayMs;
  }

  /** Requests handed over and not yet answered by the main thread. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Resolves once the main thread has answered every request handed over (a 504 does not end its
   * work), or after `graceMs`: the cell stops its functions and emulators only after this.
   */
  async settled(graceMs: number): Promise<void> {
    const until = performance.now() + graceMs;
    while (this.pending.size > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  async handle(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const guarded = req.method === 'POST' && ADMITTED_ROUTE.test(path);
    const admission = guarded ? this.admission.tryEnter() : undefined;
    if (admission && !admission.ok) return this.shed(req, res, admission);
    // Past API Gateway's payload limit the front stops reading; the app answers 413 from the size.
    const { bytes: body } = await readNodeBody(req, API_LIMITS.discardBodyBytes).catch((error: unknown) => {
      admission?.leave();
      throw error;
    });
    let url: string;
    try {
      url = new URL(req.url ?? '/', origin).href;
    } catch {
      admission?.leave();
      return writeJson(res, 400, { code: ERROR_CODES.validationFailed, message: 'the request target is not a URL' });
    }
    const id = this.nextId++;
    const timeoutMs = this.settings.integrationTimeoutMs;
    const timer = setTimeout(() => timedOut(res), timeoutMs);
    this.pending.set(id, { res, timer, leave: admission?.leave });
    this.handOver({
      kind: 'request',
      id,
      method: req.method ?? 'GET',
      url,
      rawHeaders: req.rawHeaders,
      body,
      remoteAddress: req.socket.remoteAddress ?? '127.0.0.1',
      deadline: Date.now() + timeoutMs,
    });
  }

  /** The main thread's answer: written unless the 504 went out first; the slot is free either way. */
  reply(reply: FrontReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    pending.leave?.();
    if (reply.skipped) return;
    const { res } = pending;
    if (res.headersSent || res.destroyed) return;
    for (const [name, value] of reply.headers) res.setHeader(name, value);
    res.writeHead(reply.status);
    res.end(reply.body);
  }

  /** 503 OVERLOADED with Retry-After, after reading (and dropping) the body so the connection stays usable. */
  private async shed(
    req: IncomingMessage,
    res: ServerResponse,
    refusal: { readonly reason: string; readonly retryAfterSeconds: number },
  ): Promise<void> {
    const { complete: drained } = await readNodeBody(req, API_LIMITS.discardBodyBytes, false);
    const requestId = randomUUID();
    if (!drained) res.setHeader('connection', 'close');
    res.setHeader('retry-after', String(refusal.retryAfterSeconds));
    res.setHeader('x-amzn-requestid', requestId);
    writeJson(res, 503, {
      code: ERROR_CODES.overloaded,
      message: `the cell is overloaded: ${refusal.reason}; retry later`,
      requestId,
    });
  }
}

/**
 * API Gateway's 504 when the integration (here: the main thread) has not answered in time. Not API
 * Gateway's default body (`{"message": "Endpoint request timed out"}`): the AWS cell replaces it
 * with its INTEGRATION_TIMEOUT gateway response (`cells/constructs/gatewayResponses.ts`), this one.
 */
function timedOut(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  const requestId = randomUUID();
  res.setHeader('x-amzn-requestid', requestId);
  writeJson(res, 504, { code: ERROR_CODES.internal, message: INTEGRATION_TIMEOUT_MESSAGE, requestId });
}

function writeJson(res: ServerResponse, status: number, body: ErrorResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
