import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyAwsRequest } from './classifyAwsRequest.ts';
import type { RequestCounter } from './RequestCounter.ts';

const CHANNEL = 'http.server.request.start';

/**
 * Counts every request an in-process HTTP server on `port` receives, by AWS service and action,
 * through Node's `http.server.request.start` diagnostics channel. fauxqs runs in this process but
 * exposes no request hook, and the handlers call it with their own SDK clients, which the local
 * cell must not instrument; the channel sees all of them without adding a hop to any call.
 * Returns a function that stops counting.
 */
export function countServerRequests(port: number, counter: RequestCounter): () => void {
  const onRequest = (message: unknown) => {
    const { request, server } = message as { request: IncomingMessage; server: Server };
    if ((server.address() as AddressInfo | null)?.port !== port) return;
    const { service, action } = classifyAwsRequest(request);
    counter.add(service, action);
  };
  subscribe(CHANNEL, onRequest);
  return () => unsubscribe(CHANNEL, onRequest);
}
