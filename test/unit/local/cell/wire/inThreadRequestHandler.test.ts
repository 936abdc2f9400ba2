import { describe, expect, it } from 'vitest';
import { inThreadRequestHandler } from '../../../../../local/cell/wire/inThreadRequestHandler.ts';
import { connectionRefused, type SocketlessRequest } from '../../../../../local/http/socketless.ts';

/** A client on the emulator's own thread: straight to its dispatch, with the client's timeout and errors. */
describe('inThreadRequestHandler', () => {
  const request = {
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 1,
    path: '/',
    query: { a: 'b c' },
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.SendMessageBatch' },
    body: '{"QueueUrl":"q"}',
  };

  it('hands the request over as a server reads it and returns the answer', async () => {
    // Prepare
    const seen: SocketlessRequest[] = [];
    const handler = inThreadRequestHandler((received) => {
      seen.push(received);
      return {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: new TextEncoder().encode('{"ok":1}'),
      };
    }, 'sqs');

    // Act
    const { response } = await handler.handle(request);

    // Assert
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: '/?a=b+c',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
    });
    expect(new TextDecoder().decode(seen[0]!.body)).toBe('{"QueueUrl":"q"}');
    expect(response.statusCode).toBe(200);
    expect(Buffer.from(response.body).toString()).toBe('{"ok":1}');
  });

  it('fails as a refused connection when the emulator is stopped, and times out when it does not answer', async () => {
    // Prepare
    const refusing = inThreadRequestHandler(() => {
      throw connectionRefused('stopped');
    }, 'sqs');
    const silent = inThreadRequestHandler(() => new Promise(() => undefined), 'sqs', { requestTimeout: 50 });

    // Act
    const refused = await refusing.handle(request).catch((error: unknown) => error);
    const timedOut = await silent.handle(request).catch((error: unknown) => error);

    // Assert
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(timedOut).toMatchObject({ name: 'TimeoutError' });
  });
});
