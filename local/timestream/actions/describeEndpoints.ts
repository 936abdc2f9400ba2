import type { ActionContext, ActionInput } from '../ActionContext.ts';

/** How long clients may cache the discovered endpoint (the real service also answers 1440). */
const CACHE_PERIOD_MINUTES = 1440;

/**
 * DescribeEndpoints. The SDK replaces only the host name of its requests with the discovered
 * address and keeps the port, so answering with the host the client used to reach us keeps an
 * endpoint-discovering client pointed at this emulator.
 */
export function describeEndpoints(_input: ActionInput, context: ActionContext): unknown {
  return { Endpoints: [{ Address: context.host, CachePeriodInMinutes: CACHE_PERIOD_MINUTES }] };
}
