import { type FirehoseServiceError, InternalFailureError, ServiceUnavailableError } from './errors.ts';

/** The codes Firehose gives a record it failed to accept (PutRecordBatch `ErrorCode`). */
export const RECORD_ERROR_CODES = ['ServiceUnavailableException', 'InternalFailure'] as const;
export type RecordErrorCode = (typeof RECORD_ERROR_CODES)[number];

/**
 * A simulated outage for fault tests (plain data: it crosses the emulator worker's message port).
 * - `throttle`: every PutRecord/PutRecordBatch fails with HTTP 503 ServiceUnavailableException,
 *   Firehose's answer when a stream's throughput limits are exceeded;
 * - `internal`: every PutRecord/PutRecordBatch fails with HTTP 500 InternalFailure;
 * - `partial`: PutRecordBatch answers 200 but fails every `everyNth` record it receives (counted
 *   across calls, so a retry of only the failed records gets through by turns) with `errorCode`,
 *   in `RequestResponses` and `FailedPutCount`; a failed PutRecord answers 503.
 * All are transient, as on AWS; a failed record is not delivered.
 */
export type FirehoseFault =
  | { readonly mode: 'throttle' | 'internal'; readonly untilMs?: number }
  | {
      readonly mode: 'partial';
      /** @default 2 (every other record) */
      readonly everyNth?: number;
      /** @default 'ServiceUnavailableException' */
      readonly errorCode?: RecordErrorCode;
      /** Clears itself after failing this many records; unlimited when absent. */
      readonly maxFailures?: number;
      readonly untilMs?: number;
    };

/** A record failed by a `partial` fault. */
export interface RecordFailure {
  readonly errorCode: RecordErrorCode;
  readonly errorMessage: string;
}

/** Holds the current fault; PutRecord and PutRecordBatch ask it before they deliver anything. */
export class FaultSwitch {
  private fault: FirehoseFault | undefined;
  private seen = 0;
  private failedRecords = 0;
  private injected = 0;

  /** Sets a fault, or clears it with `null`/`undefined`. */
  set(fault: FirehoseFault | null | undefined): void {
    if (fault && !['throttle', 'internal', 'partial'].includes(fault.mode)) {
      throw new TypeError(`Unknown Firehose fault mode '${String(fault.mode)}'`);
    }
    if (fault?.mode === 'partial') {
      const { everyNth = 2, errorCode = 'ServiceUnavailableException' } = fault;
      if (!Number.isInteger(everyNth) || everyNth < 1) {
        throw new TypeError(`Firehose partial fault: everyNth must be a positive integer, got ${everyNth}`);
      }
      if (!RECORD_ERROR_CODES.includes(errorCode)) {
        throw new TypeError(`Firehose partial fault: errorCode must be one of ${RECORD_ERROR_CODES.join(', ')}`);
      }
    }
    this.fault = fault ?? undefined;
    this.seen = 0;
    this.failedRecords = 0;
  }

  private current(nowMs: number): FirehoseFault | undefined {
    const fault = this.fault;
    if (fault?.untilMs !== undefined && nowMs >= fault.untilMs) this.fault = undefined;
    return this.fault;
  }

  /** The error a whole data-plane call fails with now, or undefined. */
  requestError(nowMs: number): FirehoseServiceError | undefined {
    const fault = this.current(nowMs);
    if (!fault || fault.mode === 'partial') return undefined;
    this.injected += 1;
    return fault.mode === 'throttle'
      ? new ServiceUnavailableError('Slow down. (injected fault)')
      : new InternalFailureError('Internal service failure. (injected fault)');
  }

  /** Whether the next record received fails, and how; call once per record, in order. */
  recordFailure(nowMs: number): RecordFailure | undefined {
    const fault = this.current(nowMs);
    if (fault?.mode !== 'partial') return undefined;
    this.seen += 1;
    if (this.seen % (fault.everyNth ?? 2) !== 0) return undefined;
    this.failedRecords += 1;
    this.injected += 1;
    if (fault.maxFailures !== undefined && this.failedRecords >= fault.maxFailures) this.fault = undefined;
    const errorCode = fault.errorCode ?? 'ServiceUnavailableException';
    return {
      errorCode,
      errorMessage:
        errorCode === 'ServiceUnavailableException'
          ? 'Slow down. (injected fault)'
          : 'Internal service failure. (injected fault)',
    };
  }

  /** Requests and records failed by injected faults so far. */
  get injectedCount(): number {
    return this.injected;
  }
}
