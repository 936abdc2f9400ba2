import type { FieldIssue } from '../../schemas/errorResponse.ts';

/**
 * Errors of the Lambda handlers (STYLE §7–8).
 *
 * Every failure a handler can meet is either *transient* (worth retrying: throttling, 5xx, timeouts,
 * network) or *permanent* (retrying cannot help: invalid input, a rejected record, a missing
 * resource). Transient failures are retried with backoff in the call and then handed back to the
 * event source (SQS redelivers); permanent ones go to a DLQ without burning retries.
 */
export const FAILURE_KINDS = { transient: 'transient', permanent: 'permanent' } as const;
export type FailureKind = (typeof FAILURE_KINDS)[keyof typeof FAILURE_KINDS];

/** Base class of every error the handlers raise or report. */
export class HandlerError extends Error {
  override readonly name: string = 'HandlerError';
  constructor(
    message: string,
    readonly kind: FailureKind,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return this.kind === FAILURE_KINDS.transient;
  }
}

/** The Lambda environment is incomplete or wrong; names every offending variable at once. */
export class ConfigError extends HandlerError {
  override readonly name = 'ConfigError';
  constructor(
    readonly problems: readonly { readonly variable: string; readonly message: string }[],
    options?: ErrorOptions,
  ) {
    super(
      `invalid handler environment:\n  - ${problems.map((p) => `${p.variable}: ${p.message}`).join('\n  - ')}`,
      FAILURE_KINDS.permanent,
      options,
    );
  }

  get variables(): string[] {
    return this.problems.map((p) => p.variable);
  }
}

/** A queue message the handler cannot read; it must reach the DLQ, never be dropped. */
export class MalformedMessageError extends HandlerError {
  override readonly name = 'MalformedMessageError';
  constructor(
    readonly messageId: string,
    readonly issues: readonly FieldIssue[],
    options?: ErrorOptions,
  ) {
    const summary = issues
      .slice(0, 5)
      .map((i) => `${i.path || '(body)'}: ${i.message}`)
      .join('; ');
    super(`message ${messageId} is malformed: ${summary}`, FAILURE_KINDS.permanent, options);
  }
}

/** An AWS call (or one entry of a batch call) failed. */
export class DownstreamError extends HandlerError {
  override readonly name = 'DownstreamError';
  constructor(
    readonly service: string,
    readonly operation: string,
    /** AWS error code (`ThrottlingException`, `InternalFailure`, …) or a network error code. */
    readonly code: string,
    kind: FailureKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${service} ${operation} failed (${code}, ${kind}): ${message}`, kind, options);
  }
}

/** Why Timestream refused a single record (`RejectedRecords[].Reason`). */
export const REJECTION_KINDS = {
  /** Older than memory-store retention and not accepted by the magnetic store. */
  outsideRetention: 'outside-retention',
  /** Dimension/measure limits, invalid values and anything else. */
  invalid: 'invalid',
} as const;
export type RejectionKind = (typeof REJECTION_KINDS)[keyof typeof REJECTION_KINDS];

/** A record the store refused for a reason that retrying will not change. */
export class RecordRejectedError extends HandlerError {
  override readonly name = 'RecordRejectedError';
  constructor(
    readonly eventId: string,
    readonly rejection: RejectionKind,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`record for event ${eventId} rejected (${rejection}): ${reason}`, FAILURE_KINDS.permanent, options);
  }
}

/**
 * Error names AWS services use for throttling and server-side trouble. Everything here is retried;
 * anything not recognised as transient is permanent, because retrying a validation or permission
 * error only burns the message's receive count.
 */
const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'Throttled',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'KMSThrottlingException',
  'SlowDown',
  'InternalServerException',
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
]);

/** Node/undici network failures: the request may never have reached the service. */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface AwsLikeError {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/** Classifies anything an AWS SDK call can throw as transient or permanent, with a code for logs. */
export function classifyAwsError(error: unknown): { readonly kind: FailureKind; readonly code: string } {
  if (error instanceof HandlerError) return { kind: error.kind, code: error.name };
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsLikeError;
  const name = typeof e.name === 'string' ? e.name : 'UnknownError';
  const networkCode = typeof e.code === 'string' ? e.code : undefined;
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  if (networkCode && TRANSIENT_NETWORK_CODES.has(networkCode)) return { kind: 'transient', code: networkCode };
  if (TRANSIENT_ERROR_NAMES.has(name)) return { kind: 'transient', code: name };
  // Smithy marks modeled retryable errors with `$retryable`; 429 and 5xx are transient by HTTP semantics.
  if (e.$retryable) return { kind: 'transient', code: name };
  if (status !== undefined && (status === 429 || status >= 500)) return { kind: 'transient', code: name };
  return { kind: 'permanent', code: name };
}

/** Wraps a thrown SDK error as a {@link DownstreamError} carrying its classification. */
export function toDownstreamError(service: string, operation: string, error: unknown): DownstreamError {
  if (error instanceof DownstreamError) return error;
  const { kind, code } = classifyAwsError(error);
  const message = error instanceof Error ? error.message : String(error);
  return new DownstreamError(service, operation, code, kind, message, { cause: error });
}

/** An error in one line for a report: `Name: message`, or the thrown value as text. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
