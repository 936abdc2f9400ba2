import type { ErrorResponse } from './generated/openapi.ts';

/** What happened to one event the API confirmed. */
export interface EventOutcome {
  readonly eventId: string;
  /** `repeated`: an earlier request had already published it with the same content; this one published nothing. */
  readonly outcome: 'accepted' | 'repeated';
}

/**
 * Every error `send` throws. `confirmed` lists the events the API did take before the failure;
 * `unconfirmed` the caller's events (as given, eventIds unchanged) it did not confirm: the failing
 * batch and every batch after it. Resending `unconfirmed` as they are is safe (eventId is the
 * idempotency key) once the cause is dealt with.
 */
export abstract class ProducerError<E = unknown> extends Error {
  constructor(
    message: string,
    readonly confirmed: readonly EventOutcome[],
    readonly unconfirmed: readonly E[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The last answer of a batch the client kept retrying: an HTTP status and body, or a network error. */
export type LastFailure =
  | { readonly status: number; readonly body: ErrorResponse | undefined }
  | { readonly status: undefined; readonly error: unknown };

/**
 * Retries used up (`maxAttempts`, or a wait that would pass `budgetMs`) on 429, 5xx, a busy
 * eventId or a network error. The events may or may not be on the bus: resend them.
 */
export class RetriesExhaustedError<E = unknown> extends ProducerError<E> {
  constructor(
    confirmed: readonly EventOutcome[],
    unconfirmed: readonly E[],
    readonly attempts: number,
    readonly last: LastFailure,
  ) {
    const cause = last.status === undefined ? last.error : undefined;
    const what = last.status === undefined ? `network error (${String(last.error)})` : describe(last.status, last.body);
    super(`gave up after ${attempts} attempt(s); last: ${what}`, confirmed, unconfirmed, { cause });
  }
}

/**
 * 409 IDEMPOTENCY_CONFLICT: an eventId of the batch was accepted earlier with other content. Nothing
 * of the batch was published. Do not retry: send the correction under a new eventId (the other
 * events of the batch can be resent as they are).
 */
export class IdempotencyConflictError<E = unknown> extends ProducerError<E> {
  readonly conflictingEventIds: readonly string[];
  constructor(
    confirmed: readonly EventOutcome[],
    unconfirmed: readonly E[],
    readonly body: ErrorResponse,
  ) {
    super(describe(409, body), confirmed, unconfirmed);
    this.conflictingEventIds = body.conflictingEventIds ?? [];
  }
}

/**
 * A 4xx other than 429 and the idempotency ones: the request is wrong and resending it cannot
 * help. `code` is from the error catalogue; `issues` names each offending field (`events.3.amount`).
 */
export class RequestRejectedError<E = unknown> extends ProducerError<E> {
  readonly code: string | undefined;
  readonly issues: NonNullable<ErrorResponse['issues']>;
  constructor(
    confirmed: readonly EventOutcome[],
    unconfirmed: readonly E[],
    readonly status: number,
    readonly body: ErrorResponse | undefined,
  ) {
    super(describe(status, body), confirmed, unconfirmed);
    this.code = body?.code;
    this.issues = body?.issues ?? [];
  }
}

function describe(status: number, body: ErrorResponse | undefined): string {
  return body ? `${status} ${body.code}: ${body.message}` : `HTTP ${status}`;
}
