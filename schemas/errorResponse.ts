import * as z from 'zod';

/** Stable error codes; clients branch on these, never on messages. */
export const ERROR_CODES = {
  /** 400: the body is not JSON or breaks the contract; `issues` says where. */
  validationFailed: 'VALIDATION_FAILED',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unknownStage: 'UNKNOWN_STAGE',
  notFound: 'NOT_FOUND',
  /** 403: no, an unknown or a revoked API key (API Gateway cannot tell these apart), or the firewall. */
  forbidden: 'FORBIDDEN',
  throttled: 'THROTTLED',
  quotaExceeded: 'QUOTA_EXCEEDED',
  busUnavailable: 'BUS_UNAVAILABLE',
  /** 409: an eventId seen within the idempotency window came back with different content. Do not retry. */
  idempotencyConflict: 'IDEMPOTENCY_CONFLICT',
  /** 409: another request with the same eventId is still being processed. Retry after `Retry-After`. */
  idempotencyInProgress: 'IDEMPOTENCY_IN_PROGRESS',
  /** 503: the idempotency store did not answer; nothing was published. Retry after `Retry-After`. */
  idempotencyUnavailable: 'IDEMPOTENCY_UNAVAILABLE',
  /** 503: the cell sheds load (too many requests in progress, or it runs behind); nothing was published. */
  overloaded: 'OVERLOADED',
  internal: 'INTERNAL_ERROR',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * Whether resending the same request can succeed: `never` (fix the request or the key first),
 * `after-wait` (the same request, after `Retry-After` or an exponential backoff with jitter) or
 * `yes` (the same request with the same eventIds, with backoff: a retry of an accepted event is a
 * repeat, never a duplicate). `docs/ERRORS.md` shows this column; a test keeps the two equal.
 */
export type RetryAdvice = 'never' | 'after-wait' | 'yes';

/**
 * The HTTP statuses each code comes with, what it means and whether retrying helps; the OpenAPI
 * document lists every code under its statuses from here and `docs/ERRORS.md` is checked against
 * it. `INTERNAL_ERROR` is 500 from the function, 502/504 when the integration failed or timed out.
 */
export const ERROR_STATUSES = {
  VALIDATION_FAILED: {
    statuses: [400],
    meaning: 'the body is not JSON or breaks the contract; `issues` names the fields',
    retry: 'never',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    statuses: [415],
    meaning: 'Content-Type is not application/json (UTF-8)',
    retry: 'never',
  },
  PAYLOAD_TOO_LARGE: { statuses: [413], meaning: 'the body exceeds 256 KiB', retry: 'never' },
  UNKNOWN_STAGE: { statuses: [404], meaning: 'the path names a stage this cell does not serve', retry: 'never' },
  NOT_FOUND: { statuses: [404], meaning: 'no such route, or no events recorded for the invoice', retry: 'never' },
  FORBIDDEN: {
    statuses: [403],
    meaning: 'no x-api-key header, an unknown or revoked API key, or blocked by the firewall',
    retry: 'never',
  },
  THROTTLED: {
    statuses: [429],
    meaning: "the key's or the cell's request rate is exceeded; retry after Retry-After",
    retry: 'after-wait',
  },
  QUOTA_EXCEEDED: {
    statuses: [429],
    meaning: "the key's daily quota is used up; it resets at 00:00 UTC",
    retry: 'after-wait',
  },
  IDEMPOTENCY_CONFLICT: {
    statuses: [409],
    meaning:
      'the eventId was accepted within the idempotency window with other content; nothing of the request was published; send a correction under a new eventId',
    retry: 'never',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    statuses: [409],
    meaning: 'another request with this eventId is still being processed; retry after Retry-After',
    retry: 'after-wait',
  },
  BUS_UNAVAILABLE: {
    statuses: [503],
    meaning: 'the event bus refused events; resend `rejectedEventIds`',
    retry: 'yes',
  },
  IDEMPOTENCY_UNAVAILABLE: {
    statuses: [503],
    meaning: 'the idempotency store did not answer; nothing was published; retry',
    retry: 'yes',
  },
  OVERLOADED: {
    statuses: [503],
    meaning:
      'the cell is shedding load (too many requests in progress, or it runs behind); nothing of the request was published; retry after Retry-After',
    retry: 'after-wait',
  },
  INTERNAL_ERROR: {
    statuses: [500, 502, 504],
    meaning: 'a fault in the cell; resending the same eventIds is safe',
    retry: 'yes',
  },
} as const satisfies Record<
  ErrorCode,
  { readonly statuses: readonly number[]; readonly meaning: string; readonly retry: RetryAdvice }
>;

/**
 * The message of the 504 `INTERNAL_ERROR` answered when the ingest function does not answer within
 * API Gateway's integration timeout (29 s): the cell's INTEGRATION_TIMEOUT gateway response on AWS,
 * the API front's own answer locally. One text, so both say the same.
 */
export const INTEGRATION_TIMEOUT_MESSAGE =
  'The cell did not answer in time; retry with the same eventIds (duplicates are absorbed)';

/**
 * `Retry-After` of API Gateway's own 429s. A gateway response can carry only static headers, so
 * AWS sends these fixed values where the local cell computes the wait (the token bucket's refill,
 * the time to 00:00 UTC); the quota's value makes a client look again hourly, not hammer.
 */
export const GATEWAY_RETRY_AFTER_SECONDS = { THROTTLED: 1, QUOTA_EXCEEDED: 3600 } as const satisfies Partial<
  Record<ErrorCode, number>
>;

/** The codes answered with `status`, in catalogue order. */
export function errorCodesWithStatus(status: number): ErrorCode[] {
  return (Object.keys(ERROR_STATUSES) as ErrorCode[]).filter((code) =>
    (ERROR_STATUSES[code].statuses as readonly number[]).includes(status),
  );
}

export const FieldIssueSchema = z.strictObject({
  /** Dotted path to the offending field, e.g. `events.3.amount`; empty for the whole body. */
  path: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/**
 * Every 4xx/5xx body, from the API, the local cell and API Gateway gateway responses alike.
 *
 * @example { "code": "VALIDATION_FAILED", "message": "2 problems in the request body",
 *            "issues": [ { "path": "amount", "message": "JPY allows at most 0 decimal places" } ] }
 */
export const ErrorResponseSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  issues: z.array(FieldIssueSchema).optional(),
  /** On 503: the eventIds the bus did not take; resending them is safe. */
  rejectedEventIds: z.array(z.string()).optional(),
  /**
   * On 409 IDEMPOTENCY_CONFLICT / IDEMPOTENCY_IN_PROGRESS: the eventIds concerned. No event of the
   * request was published; the others can be resent as they are.
   */
  conflictingEventIds: z.array(z.string()).optional(),
  requestId: z.string().optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

/**
 * A 202 body. `accepted` lists every eventId of the request, in request order: each is on the bus,
 * published by this request or by an earlier one. `repeated` (present only when some were) names
 * those an earlier request already published with the same content within the idempotency window:
 * this request published nothing for them.
 *
 * @example { "accepted": ["7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21", "c0f1d2e3-0000-4000-8000-000000000001"],
 *            "repeated": ["c0f1d2e3-0000-4000-8000-000000000001"] }
 */
export const AcceptedResponseSchema = z.strictObject({
  accepted: z.array(z.string()),
  repeated: z.array(z.string()).optional(),
});
export type AcceptedResponse = z.infer<typeof AcceptedResponseSchema>;

/**
 * Response header of a 202 whose every event is a repeat (`true`): the request changed nothing. A
 * batch mixing new and repeated events does not carry it; its body's `repeated` says which.
 */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** The parts of a zod issue we report; kept structural so this module does not depend on zod internals. */
interface ZodLikeIssue {
  readonly code?: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/**
 * Turns zod issues into `{path, message}` pairs with paths a client can act on. An unknown field
 * becomes one issue at that field's own path rather than one issue at its parent.
 */
export function toFieldIssues(issues: readonly ZodLikeIssue[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const parent = issue.path.map(String);
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => ({
        path: [...parent, key].join('.'),
        message: 'is not a known field (unknown fields are rejected)',
      }));
    }
    return [{ path: parent.join('.'), message: issue.message }];
  });
}
