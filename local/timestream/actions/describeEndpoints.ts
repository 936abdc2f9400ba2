import type { ActionContext, ActionInput } from '../ActionContext.ts';

/** How long clients may cache the discovered endpoint (the real service also answers 1440). */
const CACHE_PERIOD_MINUTES = 1440;

/**
 * DescribeEndpoints, of the write and the query API alike. AWS answers a host name; the JavaScript
 * SDK puts it in place of the host of its configured endpoint and keeps that endpoint's scheme and
 * port, so the advertised host must serve the emulator on the port the client was given (its own
 * address, or the front end's that the local cell passes as `advertisedEndpoint`).
 */
export function describeEndpoints(_input: ActionInput, context: ActionContext): unknown {
  return { Endpoints: [{ Address: context.advertisedHost, CachePeriodInMinutes: CACHE_PERIOD_MINUTES }] };
}
