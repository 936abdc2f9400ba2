import { afterEach, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../../../local/awsEmulator/index.ts';
import { JsonProtocolRouter } from '../../../../local/awsEmulator/JsonProtocolRouter.ts';
import { type ServedProtocol, serveJsonProtocol } from '../../../../local/awsEmulator/serveJsonProtocol.ts';
import { EventBridgeListenError, InternalError } from '../../../../local/eventbridge/errors.ts';

/** The JSON-protocol server reads bodies with the local cell's one body reader (local/http/readLimitedBody.ts). */
describe('serveJsonProtocol', () => {
  let served: ServedProtocol | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  async function serveEcho(maxBodyBytes: number): Promise<string> {
    const router = new JsonProtocolRouter({
      service: 'EventBridge',
      internalError: InternalError,
      context: () => ({}),
    }).register('Echo', (input) => ({ echoed: input }));
    served = await serveJsonProtocol(router, {
      maxBodyBytes,
      logger: SILENT_LOGGER,
      listenError: EventBridgeListenError,
    });
    return served.endpoint;
  }

  const post = (endpoint: string, body: string) =>
    fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.Echo' }, body });

  it('hands a body up to the limit, multi-byte characters intact, to the router', async () => {
    const endpoint = await serveEcho(64);
    const body = JSON.stringify({ name: 'Müller – 株式会社' });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(64);
    const response = await post(endpoint, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ echoed: { name: 'Müller – 株式会社' } });
  });

  it('answers 413 in the service form for a body one byte over the limit', async () => {
    const endpoint = await serveEcho(64);
    const response = await post(endpoint, JSON.stringify({ pad: 'x'.repeat(65 - 10) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      __type: 'RequestEntityTooLarge',
      message: 'Request body exceeds 64 bytes',
    });
  });

  describe('dispatch (the same server without a socket)', () => {
    const request = (body: string, method = 'POST') => ({
      method,
      path: '/',
      headers: { 'x-amz-target': 'AWSEvents.Echo', host: '127.0.0.1:1' },
      body: new TextEncoder().encode(body),
    });
    const json = (response: { body: Uint8Array }) => JSON.parse(new TextDecoder().decode(response.body));

    it('answers as the HTTP server does: the router, 413 past the limit, 405 for another method', async () => {
      // Prepare
      const endpoint = await serveEcho(64);
      const body = JSON.stringify({ name: 'Müller – 株式会社' });
      const tooLarge = JSON.stringify({ pad: 'x'.repeat(65 - 10) });

      // Act
      const ok = served!.dispatch(request(body));
      const large = served!.dispatch(request(tooLarge));
      const wrongMethod = served!.dispatch(request('', 'GET'));
      const overHttp = await post(endpoint, tooLarge);

      // Assert
      expect(ok.status).toBe(200);
      expect(json(ok)).toEqual({ echoed: { name: 'Müller – 株式会社' } });
      expect(large.status).toBe(413);
      expect(json(large)).toEqual(await overHttp.json());
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.allow).toBe('POST');
    });

    it('answers 503 while the server closes and refuses as a connection once it has closed', async () => {
      // Prepare
      await serveEcho(64);
      const server = served!;

      // Act
      const closing = server.close();
      const during = server.dispatch(request('{}'));
      await closing;
      const after = (() => {
        try {
          return server.dispatch(request('{}'));
        } catch (error) {
          return error;
        }
      })();

      // Assert
      expect(during.status).toBe(503);
      expect(json(during).__type).toBe('ServiceUnavailableException');
      expect(after).toMatchObject({ code: 'ECONNREFUSED' });
    });
  });
});
