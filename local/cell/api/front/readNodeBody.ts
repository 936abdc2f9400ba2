import type { IncomingMessage } from 'node:http';

export interface NodeBody {
  /** The bytes read, in an ArrayBuffer of their own (safe to transfer); empty when not kept. */
  readonly bytes: Uint8Array;
  /** false when reading stopped past `limit` (or never started: the declared length is past it). */
  readonly complete: boolean;
}

/**
 * Reads a request body to its end, up to `limit` bytes: past it (or when `content-length` already
 * says so) reading stops and the connection is left to close, as API Gateway cuts a body over its
 * payload limit. `keep: false` drops what it reads (a refused request's body, read only so the
 * connection stays usable). The stream is paused, never destroyed: the socket stays for the answer.
 */
export function readNodeBody(req: IncomingMessage, limit: number, keep = true): Promise<NodeBody> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve({ bytes: EMPTY, complete: false });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (complete: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      resolve({ bytes: keep ? joined(chunks, size) : EMPTY, complete });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (keep) chunks.push(chunk);
      if (size > limit) {
        req.pause();
        done(false);
      }
    };
    const onEnd = () => done(true);
    const onError = (error: Error) => {
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      reject(error);
    };
    // A client that goes away mid-body: no 'end', maybe no 'error' either.
    const onClose = () => {
      if (!req.complete) onError(new Error('the client closed the connection before the body ended'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

const EMPTY = new Uint8Array(0);

/** One fresh buffer: node's small Buffers share a pool, which must not be transferred to another thread. */
function joined(chunks: readonly Buffer[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
