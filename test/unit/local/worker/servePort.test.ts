import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { SocketlessDispatch } from '../../../../local/http/socketless.ts';
import type { PortReplyMessage, PortReplyPost, PortRequestMessage } from '../../../../local/worker/portProtocol.ts';
import { servePort } from '../../../../local/worker/servePort.ts';

/**
 * The emulator thread's end of the SDK port: requests arrive one by one or several in a message,
 * and the answers of one turn of its event loop go back in one message, each with its request's id.
 */
describe('servePort', () => {
  const request = (id: number, path: string, service: PortRequestMessage['service'] = 'sqs'): PortRequestMessage => ({
    id,
    service,
    method: 'POST',
    path,
    headers: {},
    body: new TextEncoder().encode(`body ${id}`),
  });

  it('answers several requests of one message in one message, failures as network errors', async () => {
    // Prepare: SQS echoes the path; SNS is not running.
    const { port1: main, port2: worker } = new MessageChannel();
    const echo: SocketlessDispatch = (req) => ({
      status: 200,
      headers: { 'x-path': req.path },
      body: new TextEncoder().encode(`${req.path}:${Buffer.from(req.body).toString()}`),
    });
    servePort(worker, (service) => (service === 'sqs' ? echo : undefined));
    const posts: PortReplyPost[] = [];
    const threeAnswers = new Promise<void>((resolve) => {
      main.on('message', (post: PortReplyPost) => {
        posts.push(post);
        if (posts.flat().length >= 3) resolve();
      });
    });

    // Act
    const batch = [request(1, '/a'), request(2, '/b', 'sns'), request(3, '/c')];
    main.postMessage(
      batch,
      batch.map((r) => r.body.buffer as ArrayBuffer),
    );
    await threeAnswers;
    main.close();

    // Assert
    expect(posts).toHaveLength(1);
    const answers = new Map((posts[0] as PortReplyMessage[]).map((answer) => [answer.id, answer]));
    expect(answers.get(1)).toMatchObject({ status: 200, headers: { 'x-path': '/a' } });
    expect(Buffer.from((answers.get(1) as { body: Uint8Array }).body).toString()).toBe('/a:body 1');
    expect(answers.get(2)).toMatchObject({ error: { code: 'ECONNREFUSED' } });
    expect(Buffer.from((answers.get(3) as { body: Uint8Array }).body).toString()).toBe('/c:body 3');
  });

  it('answers a request that arrives alone with a message of its own', async () => {
    // Prepare
    const { port1: main, port2: worker } = new MessageChannel();
    servePort(worker, () => () => ({ status: 204, headers: {}, body: new Uint8Array(0) }));
    const answered = new Promise<PortReplyPost>((resolve) => main.once('message', resolve));

    // Act
    const alone = request(7, '/x');
    main.postMessage(alone, [alone.body.buffer as ArrayBuffer]);
    const post = await answered;
    main.close();

    // Assert
    expect(Array.isArray(post)).toBe(false);
    expect(post).toMatchObject({ id: 7, status: 204 });
  });
});
