import type { IncomingMessage } from 'node:http';

/**
 * Reads a node request body, keeping at most `maxBytes`; `undefined` when it is larger (the rest
 * is read and dropped, so the client gets its 413 rather than a reset connection). For the local
 * cell's plain node listeners: the gateway and the emulators' JSON-protocol servers.
 */
export function readLimitedBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.once('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}
