import type { Server } from 'node:http';

/**
 * How long an idle keep-alive connection stays open: announced to clients as `Keep-Alive: timeout=60`,
 * closed by the server only after twice that. Node's default (announce 5 s, close after 6 s) reset
 * connections under load: a client reuses its connection just before its own 4 s idle timer (the
 * announced timeout minus Node's one-second buffer), the cell's event loop is late by more than the
 * two seconds between the two timers, and when it runs again its timers fire before it reads the
 * socket — the server closes a connection with an unread request in it, and the kernel answers the
 * client with a reset (`load-tests/reproduceConnectionResets.ts` shows it). Clients that honour the
 * hint now close first by a minute; those that ignore it (Go's 90 s, most SDKs less) close first too.
 */
export const KEEP_ALIVE = { announcedTimeoutMs: 60_000, closeAfterMs: 120_000 } as const;

/** Applies {@link KEEP_ALIVE} to a server (the API's, on whichever thread it listens). */
export function keepConnectionsLonger(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE.announcedTimeoutMs;
  // Node ≥ 24.6: added to the announced timeout before the server closes the socket itself.
  server.keepAliveTimeoutBuffer = KEEP_ALIVE.closeAfterMs - KEEP_ALIVE.announcedTimeoutMs;
  // No maxConnections: past it Node destroys new sockets on accept, a reset by another name.
}
