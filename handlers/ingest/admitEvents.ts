import type { APIGatewayProxyResult } from 'aws-lambda';
import { ERROR_CODES, type ErrorCode, IDEMPOTENT_REPLAYED_HEADER } from '../../schemas/errorResponse.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import type { Claim, EventIdempotency } from './EventIdempotency.ts';
import { errorResponse, HTTP_STATUS, jsonResponse, RETRY_AFTER_SECONDS } from './httpResponses.ts';
import type { PublishResult } from './publishToBus.ts';

/**
 * What the idempotency store says about a request's events, before anything is published. A request
 * passes whole or is refused whole, as with validation: if any event conflicts, is still in progress
 * elsewhere or cannot be checked, the events this request claimed are released and nothing is published.
 */
export type Admission =
  | {
      readonly ok: true;
      /** eventIds this request publishes. */
      readonly fresh: ReadonlySet<string>;
      /** eventIds published before with the same content, in request order. */
      readonly repeated: readonly string[];
    }
  | {
      readonly ok: false;
      readonly code: ErrorCode;
      readonly response: APIGatewayProxyResult;
      /** The store's errors, for the log (never sent to the client). */
      readonly errors: readonly unknown[];
    };

/** Every event is new: what the handler does when idempotency is off. */
export function admitAll(events: readonly InvoiceEvent[]): Admission {
  return { ok: true, fresh: new Set(events.map((e) => e.eventId)), repeated: [] };
}

export async function admitEvents(
  idempotency: EventIdempotency,
  events: readonly InvoiceEvent[],
  options: { readonly inProgressMs: number; readonly requestId: string | undefined },
): Promise<Admission> {
  const claims = await Promise.all(events.map((event) => idempotency.claim(event, options.inProgressMs)));
  const of = <K extends Claim['kind']>(kind: K) =>
    claims.filter((c): c is Extract<Claim, { kind: K }> => c.kind === kind);
  const refusal = refusalFor(of('conflict'), of('inProgress'), of('unavailable'), options.requestId, events.length);
  if (!refusal) {
    return {
      ok: true,
      fresh: new Set(of('new').map((c) => c.event.eventId)),
      repeated: of('repeated').map((c) => c.event.eventId),
    };
  }
  const errors: unknown[] = of('unavailable').map((c) => c.error);
  const released = await Promise.allSettled(of('new').map((c) => idempotency.release(c.event)));
  for (const result of released) if (result.status === 'rejected') errors.push(result.reason);
  return { ok: false, ...refusal, errors };
}

function refusalFor(
  conflicts: readonly Claim[],
  inProgress: readonly Claim[],
  unavailable: readonly Claim[],
  requestId: string | undefined,
  total: number,
): { code: ErrorCode; response: APIGatewayProxyResult } | undefined {
  const ids = (claims: readonly Claim[]) => claims.map((c) => c.event.eventId);
  const nothing = `none of the ${total} event(s) in this request was published`;
  if (conflicts.length > 0) {
    const code = ERROR_CODES.idempotencyConflict;
    const message =
      `eventId ${ids(conflicts).join(', ')} was already accepted with different content; an eventId names ` +
      `one event for good — send a correction with a new eventId (${nothing})`;
    return {
      code,
      response: errorResponse(HTTP_STATUS.conflict, code, message, { conflictingEventIds: ids(conflicts), requestId }),
    };
  }
  if (inProgress.length > 0) {
    const code = ERROR_CODES.idempotencyInProgress;
    const message = `eventId ${ids(inProgress).join(', ')} is being processed by another request; resend shortly (${nothing})`;
    const response = errorResponse(HTTP_STATUS.conflict, code, message, {
      conflictingEventIds: ids(inProgress),
      requestId,
    });
    return {
      code,
      response: { ...response, headers: { ...response.headers, 'retry-after': String(RETRY_AFTER_SECONDS) } },
    };
  }
  if (unavailable.length > 0) {
    const code = ERROR_CODES.idempotencyUnavailable;
    const message = `the idempotency store did not answer; resend the request (${nothing})`;
    return { code, response: errorResponse(HTTP_STATUS.serviceUnavailable, code, message, { requestId }) };
  }
  return undefined;
}

/**
 * After publishing: the events the bus took are marked COMPLETED with their outcome, the others
 * released so a resend is new. Failures here are logged, not answered: the events are on the bus
 * (or are not, and the 503 says so); a record left INPROGRESS lapses after `inProgressMs`.
 */
export async function settleClaims(
  idempotency: EventIdempotency,
  events: readonly InvoiceEvent[],
  fresh: ReadonlySet<string>,
  result: PublishResult,
  receivedAt: string,
): Promise<unknown[]> {
  const accepted = new Set(result.accepted);
  const settled = await Promise.allSettled(
    events
      .filter((event) => fresh.has(event.eventId))
      .map((event) =>
        accepted.has(event.eventId)
          ? idempotency.complete(event, { eventId: event.eventId, receivedAt })
          : idempotency.release(event),
      ),
  );
  return settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
}

/** The 202: every eventId of the request; the repeats named, and the header when all are repeats. */
export function acceptedResponse(eventIds: readonly string[], repeated: readonly string[]): APIGatewayProxyResult {
  if (repeated.length === 0) return jsonResponse(HTTP_STATUS.accepted, { accepted: [...eventIds] });
  const headers: Record<string, string> =
    repeated.length === eventIds.length ? { [IDEMPOTENT_REPLAYED_HEADER.toLowerCase()]: 'true' } : {};
  return jsonResponse(HTTP_STATUS.accepted, { accepted: [...eventIds], repeated: [...repeated] }, headers);
}
