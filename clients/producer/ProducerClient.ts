import { ERROR_CODES } from '../../schemas/errorResponse.ts';
import {
  type EventOutcome,
  IdempotencyConflictError,
  type LastFailure,
  type ProducerError,
  RequestRejectedError,
  RetriesExhaustedError,
} from './errors.ts';
import {
  type AcceptedResponse,
  type ErrorResponse,
  MAX_EVENTS_PER_REQUEST,
  STAGE_PATHS,
  type Stage,
  type StageEvents,
} from './generated/openapi.ts';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy, retryDelayMs } from './retryPolicy.ts';

/**
 * The producer client of the BEMS events API, typed from its OpenAPI document
 * (`generated/openapi.ts`). `send(stage, events)` posts the events in batches of at most
 * `MAX_EVENTS_PER_REQUEST`, one batch after another, and retries what is worth retrying: 429,
 * 5xx, `409 IDEMPOTENCY_IN_PROGRESS` and network errors, with full-jitter backoff or the server's
 * `Retry-After`. A retry resends the caller's events unchanged — eventId is the idempotency key,
 * so a batch whose first answer was lost is published once. It never retries another 4xx.
 *
 * @example
 *   const client = new ProducerClient({ baseUrl: 'http://localhost:4010', apiKey });
 *   const { outcomes } = await client.send('ingestion', events);
 */
export interface ProducerClientOptions {
  /** The API's base URL: `http://localhost:4010`, or the AWS stage URL ending in `/v1`. */
  readonly baseUrl: string;
  /** Sent as `x-api-key`. */
  readonly apiKey: string;
  readonly retry?: Partial<RetryPolicy>;
  /** Per request; a request that takes longer counts as a network error (retried). @default 10000 */
  readonly requestTimeoutMs?: number;
  /** For tests: a fake server. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** For tests: the jitter source, [0, 1). @default Math.random */
  readonly random?: () => number;
}

export interface SendResult {
  /** One per event, in the order given. */
  readonly outcomes: readonly EventOutcome[];
  /** HTTP requests made, retries included. */
  readonly requests: number;
}

/** How one answer is handled. */
type Verdict =
  | { readonly kind: 'accepted'; readonly body: AcceptedResponse }
  | { readonly kind: 'retry'; readonly retryAfterMs: number | undefined; readonly rejectedEventIds?: readonly string[] }
  | { readonly kind: 'conflict'; readonly body: ErrorResponse }
  | { readonly kind: 'rejected'; readonly status: number; readonly body: ErrorResponse | undefined };

/** Why a batch failed for good. */
type Failure =
  | { readonly kind: 'conflict'; readonly body: ErrorResponse }
  | { readonly kind: 'rejected'; readonly status: number; readonly body: ErrorResponse | undefined }
  | { readonly kind: 'exhausted'; readonly attempts: number; readonly last: LastFailure };

/** One batch's end: confirmed whole, or failed with some of its events still `pending`. */
type Delivery<E> =
  | { readonly ok: true; readonly outcomes: EventOutcome[]; readonly requests: number }
  | {
      readonly ok: false;
      readonly confirmed: EventOutcome[];
      readonly pending: readonly E[];
      readonly failure: Failure;
      readonly requests: number;
    };

function toError<E>(failure: Failure, confirmed: EventOutcome[], unconfirmed: E[]): ProducerError<E> {
  switch (failure.kind) {
    case 'conflict':
      return new IdempotencyConflictError(confirmed, unconfirmed, failure.body);
    case 'rejected':
      return new RequestRejectedError(confirmed, unconfirmed, failure.status, failure.body);
    case 'exhausted':
      return new RetriesExhaustedError(confirmed, unconfirmed, failure.attempts, failure.last);
  }
}

export class ProducerClient {
  private readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly fetch: typeof globalThis.fetch;
  private readonly random: () => number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: ProducerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.fetch = options.fetch ?? globalThis.fetch;
    this.random = options.random ?? Math.random;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /**
   * Sends `events` of `stage`. Resolves when the API has confirmed every one; otherwise rejects
   * with a `ProducerError` (`RetriesExhaustedError`, `IdempotencyConflictError`,
   * `RequestRejectedError`) naming the confirmed and the unconfirmed events.
   */
  async send<S extends Stage>(stage: S, events: readonly StageEvents[S][]): Promise<SendResult> {
    const outcomes: EventOutcome[] = [];
    let requests = 0;
    for (let start = 0; start < events.length; start += MAX_EVENTS_PER_REQUEST) {
      const batch = events.slice(start, start + MAX_EVENTS_PER_REQUEST);
      const delivery = await this.deliver(stage, batch);
      requests += delivery.requests;
      if (delivery.ok) {
        outcomes.push(...delivery.outcomes);
        continue;
      }
      const unconfirmed = [...delivery.pending, ...events.slice(start + batch.length)];
      throw toError(delivery.failure, [...outcomes, ...delivery.confirmed], unconfirmed);
    }
    return { outcomes, requests };
  }

  /** Posts one batch until it is confirmed or fails for good. */
  private async deliver<E extends { eventId: string }>(stage: Stage, batch: readonly E[]): Promise<Delivery<E>> {
    const startedAt = Date.now();
    const confirmed = new Map<string, EventOutcome>();
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const { verdict, last } = await this.attempt(stage, pending);
      const fail = (failure: Failure): Delivery<E> => ({
        ok: false,
        confirmed: [...confirmed.values()],
        pending,
        failure,
        requests: attempt,
      });
      if (verdict.kind === 'accepted') {
        for (const outcome of outcomesOf(pending, verdict.body)) confirmed.set(outcome.eventId, outcome);
        return { ok: true, outcomes: batch.map((event) => confirmed.get(event.eventId)!), requests: attempt };
      }
      if (verdict.kind !== 'retry') return fail(verdict);
      // 503 BUS_UNAVAILABLE names the events the bus refused: the others are on it.
      if (verdict.rejectedEventIds) {
        const rejected = new Set(verdict.rejectedEventIds);
        for (const { eventId } of pending)
          if (!rejected.has(eventId)) confirmed.set(eventId, { eventId, outcome: 'accepted' });
        pending = pending.filter((event) => rejected.has(event.eventId));
      }
      const delayMs = retryDelayMs(this.policy, attempt, this.random, verdict.retryAfterMs);
      const outOfBudget = Date.now() + delayMs - startedAt > this.policy.budgetMs;
      if (attempt >= this.policy.maxAttempts || outOfBudget)
        return fail({ kind: 'exhausted', attempts: attempt, last });
      await sleep(delayMs);
    }
  }

  /** One request and what to do about its answer. */
  private async attempt(stage: Stage, events: readonly unknown[]): Promise<{ verdict: Verdict; last: LastFailure }> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(`${this.baseUrl}${STAGE_PATHS[stage]}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': this.options.apiKey },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      return { verdict: { kind: 'retry', retryAfterMs: undefined }, last: { status: undefined, error } };
    }
    const body = parseJson(text);
    const errorBody = isErrorResponse(body) ? body : undefined;
    const last: LastFailure = { status: response.status, body: errorBody };
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    return { verdict: judge(response.status, body, errorBody, events, retryAfterMs), last };
  }
}

function judge(
  status: number,
  body: unknown,
  errorBody: ErrorResponse | undefined,
  events: readonly unknown[],
  retryAfterMs: number | undefined,
): Verdict {
  if (status === 202) {
    // A 202 that does not confirm every event is treated as lost: resending is safe.
    return isAcceptedFor(body, events) ? { kind: 'accepted', body } : { kind: 'retry', retryAfterMs };
  }
  if (status === 409 && errorBody?.code === ERROR_CODES.idempotencyConflict)
    return { kind: 'conflict', body: errorBody };
  if (status === 429 || status >= 500 || (status === 409 && errorBody?.code === ERROR_CODES.idempotencyInProgress)) {
    const rejected = status === 503 && errorBody?.code === ERROR_CODES.busUnavailable && errorBody.rejectedEventIds;
    return { kind: 'retry', retryAfterMs, ...(rejected ? { rejectedEventIds: rejected } : {}) };
  }
  return { kind: 'rejected', status, body: errorBody };
}

/** Each event's outcome from a 202: `repeated` when the body names it so. */
function outcomesOf(events: readonly { eventId: string }[], body: AcceptedResponse): EventOutcome[] {
  const repeated = new Set(body.repeated ?? []);
  return events.map(({ eventId }) => ({ eventId, outcome: repeated.has(eventId) ? 'repeated' : 'accepted' }));
}

function isAcceptedFor(body: unknown, events: readonly unknown[]): body is AcceptedResponse {
  const accepted = (body as Partial<AcceptedResponse> | undefined)?.accepted;
  if (!Array.isArray(accepted)) return false;
  const ids = new Set(accepted);
  return events.every((event) => ids.has((event as { eventId: string }).eventId));
}

function isErrorResponse(body: unknown): body is ErrorResponse {
  const candidate = body as Partial<ErrorResponse> | undefined;
  return typeof candidate?.code === 'string' && typeof candidate.message === 'string';
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
