export type LimitedBody =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly size: number; readonly complete: boolean };

/**
 * Reads a request body, keeping at most `limit` bytes in memory. A larger body is read to its end
 * and thrown away (up to `discardLimit`), so the client gets its 413 instead of a reset connection
 * while it is still sending; past `discardLimit` reading stops and the connection is left to close.
 */
export async function readBodyLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  discardLimit: number,
): Promise<LimitedBody> {
  if (!body) return { ok: true, bytes: Buffer.alloc(0) };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size <= limit) chunks.push(value);
    else if (chunks.length > 0) chunks.length = 0;
    if (size > discardLimit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, size, complete: false };
    }
  }
  return size > limit ? { ok: false, size, complete: true } : { ok: true, bytes: Buffer.concat(chunks) };
}
