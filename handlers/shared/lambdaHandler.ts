import type { Context } from 'aws-lambda';
import type { ObservabilityOverrides } from './observability.ts';
import type { RetryClock } from './retry.ts';

/** A handler as the factories build it: the Lambda context is optional so tests can leave it out. */
export type LambdaHandler<E, R> = (event: E, context?: Context) => Promise<R>;

/** What every handler factory accepts besides its own clients: observability, a retry clock and a clock. */
export interface HandlerDependencies extends ObservabilityOverrides {
  readonly retryClock?: RetryClock;
  /** Epoch ms: ingest's receivedAt and future-skew rule, consume's processed_at, the monitor's ages. @default Date.now */
  readonly now?: () => number;
}

/**
 * A Lambda entry point that builds its handler on the first invoke (from the function's environment,
 * so a configuration problem fails that invoke with all problems listed) and reuses it afterwards.
 */
export function lazyHandler<E, R>(build: () => LambdaHandler<E, R>): LambdaHandler<E, R> {
  let cached: LambdaHandler<E, R> | undefined;
  return async (event, context) => {
    cached ??= build();
    return cached(event, context);
  };
}
