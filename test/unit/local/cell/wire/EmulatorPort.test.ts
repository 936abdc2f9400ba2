import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorPort } from '../../../../../local/cell/wire/PortRequestHandler.ts';
import { SqsJsonClient } from '../../../../../local/cell/wire/SqsJsonClient.ts';
import type {
  PortReplyMessage,
  PortReplyPost,
  PortRequestMessage,
  PortRequestPost,
} from '../../../../../local/worker/portProtocol.ts';

/**
 * The main thread's end of the SDK port: a request goes out at once while the worker has none of
 * ours to work on; while it has, the requests of this turn are gathered into one message. Every
 * request is settled once with its own answer, whichever way it and its answer travelled.
 * The worker's end here is the other port of a real channel, answering as the test says.
 */
const TEXT = new TextEncoder();
const channels: MessagePort[] = [];
afterEach(() => {
  for (const port of channels.splice(0)) port.close();
});

/** An EmulatorPort on a fresh channel; `posts` records what it posted, in order. */
function emulatorPort(options: { readonly gather?: boolean } = { gather: true }) {
  const { port1, port2 } = new MessageChannel();
  channels.push(port1, port2);
  const posts: PortRequestPost[] = [];
  const post = port1.postMessage.bind(port1);
  port1.postMessage = (value: PortRequestPost, transfer?: Parameters<MessagePort['postMessage']>[1]) => {
    posts.push(value);
    post(value, transfer);
  };
  const port = new EmulatorPort(port1, options);
  return { port, worker: port2, posts, handler: port.handler('sqs', { requestTimeout: 5_000 }) };
}

const requestsOf = (post: PortRequestPost): readonly PortRequestMessage[] =>
  Array.isArray(post) ? post : [post as PortRequestMessage];

/** Answers every request with `answer to <path>`, one message per request. */
function echo(worker: MessagePort): void {
  worker.on('message', (post: PortRequestPost) => {
    for (const request of requestsOf(post)) {
      const body = TEXT.encode(`answer to ${request.path}`);
      worker.postMessage({ id: request.id, status: 200, headers: {}, body } satisfies PortReplyMessage, [body.buffer]);
    }
  });
}

const request = (path: string) => ({ method: 'POST', protocol: 'http:', hostname: 'x', path, headers: {}, body: '{}' });
const text = (answer: unknown) => Buffer.from((answer as { response: { body: Uint8Array } }).response.body).toString();

describe('EmulatorPort', () => {
  it('posts a request at once while the worker has none of ours, not at the end of the turn', async () => {
    // Prepare
    const { worker, posts, handler } = emulatorPort();
    echo(worker);

    // Act
    const first = handler.handle(request('/a'));
    const postedAtOnce = posts.length;
    const answer = await first;
    const second = handler.handle(request('/b'));
    const postedAfterTheAnswer = posts.length;
    await second;

    // Assert
    expect(postedAtOnce).toBe(1);
    expect(text(answer)).toBe('answer to /a');
    expect(postedAfterTheAnswer).toBe(2);
  });

  it('gathers a burst made while the worker is busy into one message; each request gets its own answer', async () => {
    // Prepare
    const { worker, posts, handler } = emulatorPort();
    echo(worker);
    const paths = Array.from({ length: 20 }, (_, i) => `/${i}`);

    // Act
    const answers = await Promise.all(paths.map((path) => handler.handle(request(path))));

    // Assert: the first went alone, the other 19 together, in the order they were made.
    expect(answers.map(text)).toEqual(paths.map((path) => `answer to ${path}`));
    expect(posts).toHaveLength(2);
    expect(requestsOf(posts[0]!).map((r) => r.path)).toEqual(['/0']);
    expect(requestsOf(posts[1]!).map((r) => r.path)).toEqual(paths.slice(1));
  });

  it('posts every request at once with gather: false', async () => {
    // Prepare
    const { worker, posts, handler } = emulatorPort({ gather: false });
    echo(worker);

    // Act
    await Promise.all(['/a', '/b', '/c'].map((path) => handler.handle(request(path))));

    // Assert
    expect(posts).toHaveLength(3);
    expect(posts.every((post) => !Array.isArray(post))).toBe(true);
  });

  it('does not count a long poll as work: the next request still goes at once', async () => {
    // Prepare: a worker that never answers.
    const { posts, handler, worker } = emulatorPort();
    worker.on('message', () => undefined);

    // Act
    void handler.handle(request('/poll'), { longPoll: true }).catch(() => undefined);
    void handler.handle(request('/send')).catch(() => undefined);

    // Assert
    expect(posts).toHaveLength(2);
    expect(posts[0]).toMatchObject({ path: '/poll', longPoll: true });
    expect(posts[1]).toMatchObject({ path: '/send' });
    expect(posts[1]).not.toHaveProperty('longPoll');
  });

  it('marks the SQS client’s waiting receives as long polls, and nothing else', async () => {
    // Prepare: a worker that answers every request with an empty JSON object.
    const { port, posts, worker } = emulatorPort();
    worker.on('message', (post: PortRequestPost) => {
      for (const { id } of requestsOf(post))
        worker.postMessage({ id, status: 200, headers: {}, body: TEXT.encode('{}') });
    });
    const sqs = new SqsJsonClient({
      endpoint: 'http://127.0.0.1:1',
      region: 'eu-west-1',
      requestHandler: port.handler('sqs'),
    });

    // Act
    await sqs.receiveMessage({ QueueUrl: 'q', WaitTimeSeconds: 1 });
    await sqs.receiveMessage({ QueueUrl: 'q', WaitTimeSeconds: 0 });
    await sqs.deleteMessageBatch({ QueueUrl: 'q', Entries: [] });

    // Assert
    expect(posts.map((post) => (post as PortRequestMessage).longPoll)).toEqual([true, undefined, undefined]);
  });

  it('settles answers that arrive together, errors too; one aborted while held is never posted', async () => {
    // Prepare: a worker that answers a message's requests in one message, the one to /fail as a reset.
    const { worker, posts, handler } = emulatorPort();
    worker.on('message', (post: PortRequestPost) => {
      const replies: PortReplyMessage[] = requestsOf(post).map((r) =>
        r.path === '/fail'
          ? { id: r.id, error: { code: 'ECONNRESET', message: 'cut' } }
          : { id: r.id, status: 200, headers: {}, body: TEXT.encode(`answer to ${r.path}`) },
      );
      worker.postMessage((replies.length === 1 ? replies[0]! : replies) satisfies PortReplyPost);
    });
    const aborted = new AbortController();

    // Act: the first goes at once, the others are held (the worker is busy with the first).
    const together = [
      handler.handle(request('/a')),
      handler.handle(request('/b')),
      handler.handle(request('/aborted'), { abortSignal: aborted.signal }).catch((error: unknown) => error),
      handler.handle(request('/fail')).catch((error: unknown) => error),
      handler.handle(request('/c')),
    ];
    aborted.abort();
    const answers = await Promise.all(together);

    // Assert
    expect(text(answers[0])).toBe('answer to /a');
    expect(text(answers[1])).toBe('answer to /b');
    expect(answers[2]).toMatchObject({ name: 'AbortError' });
    expect(answers[3]).toMatchObject({ code: 'ECONNRESET', message: 'cut' });
    expect(text(answers[4])).toBe('answer to /c');
    expect(posts.flatMap((post) => requestsOf(post).map((r) => r.path))).toEqual(['/a', '/b', '/fail', '/c']);
  });

  it('rejects held requests as refused connections when the worker’s end closes', async () => {
    // Prepare: a worker that never answers.
    const { worker, handler } = emulatorPort();
    worker.on('message', () => undefined);

    // Act
    const posted = handler.handle(request('/a')).catch((error: unknown) => error);
    const held = handler.handle(request('/b')).catch((error: unknown) => error);
    worker.close();

    // Assert
    expect(await posted).toMatchObject({ code: 'ECONNREFUSED' });
    expect(await held).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
