import type { Server } from 'node:http';

/**
 * Stops accepting, lets requests in progress finish for up to `graceMs`, then cuts the sockets
 * still open; resolves once the server is closed. Shared by every HTTP listener of the local cell
 * (API, EventBridge and Timestream emulators).
 */
export function closeHttpServer(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    cut.unref();
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    // Keep-alive clients (SDKs keep connections open) would otherwise hold close() open until they hang up.
    server.closeIdleConnections();
  });
}
