import {
  InternalServerError,
  ServiceUnavailableError,
  ThrottlingError,
  type TimestreamServiceError,
} from './errors.ts';

/**
 * A simulated outage for fault tests:
 * - `unavailable`: HTTP 503 ServiceUnavailable (a generic 5xx to the SDK);
 * - `internal`: HTTP 500 InternalServerException;
 * - `throttle`: HTTP 429 ThrottlingException.
 * All three are transient: the SDK and the consumer retry them.
 */
export interface TimestreamFault {
  readonly mode: 'unavailable' | 'throttle' | 'internal';
  /** Epoch ms (Date.now() clock) after which the fault clears by itself; forever when absent. */
  readonly untilMs?: number;
}

/** Holds the current fault; the router asks it before every data-plane request. */
export class FaultSwitch {
  private fault: TimestreamFault | undefined;
  private injected = 0;

  /** Sets a fault, or clears it with `null`/`undefined`. */
  set(fault: TimestreamFault | null | undefined): void {
    if (fault && !['unavailable', 'throttle', 'internal'].includes(fault.mode)) {
      throw new TypeError(`Unknown Timestream fault mode '${String(fault.mode)}'`);
    }
    this.fault = fault ?? undefined;
  }

  /** The error to answer with now, or undefined when the service is healthy. */
  errorFor(nowMs: number): TimestreamServiceError | undefined {
    const fault = this.fault;
    if (!fault) return undefined;
    if (fault.untilMs !== undefined && nowMs >= fault.untilMs) {
      this.fault = undefined;
      return undefined;
    }
    this.injected += 1;
    switch (fault.mode) {
      case 'throttle':
        return new ThrottlingError('Rate exceeded (injected fault)');
      case 'internal':
        return new InternalServerError('Internal server error (injected fault)');
      case 'unavailable':
        return new ServiceUnavailableError('Service unavailable (injected fault)');
    }
  }

  /** How many requests were failed by injected faults so far. */
  get injectedCount(): number {
    return this.injected;
  }
}
