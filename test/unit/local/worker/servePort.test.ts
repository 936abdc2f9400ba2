import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { SocketlessDispatch, SocketlessResponse } from '../../../../local/http/socketless.ts';
import type { PortReplyMessage, PortReplyPost, PortRequestMessage } from '../../../../local/worker/portProtocol.ts';
import { servePort } from '../../../../local/worker/servePort.ts';

/**
 * The emulator thread's end of the SDK port: requests arrive one by one or several in a message.
 * An answer goes back at once when nothing else is being served; the answers of requests served
 * together go back together, but none waits past the end of the turn for a slower one, nor at all
 * for a long poll.
 */
const TEXT = new TextEncoder();
const channels: MessagePort[] = [];
afterEach(() => {
  for (const port of channels.splice(0)) port.close();
});

const request = (id: number, path: string, extra: Partial<PortRequestMessage> = {}): PortRequestMessage => ({
  id,
  service: 'sqs',
  method: 'POST',
  path,
  headers: {},
  body: TEXT.encode(`body ${id}`),
  ...extra,
});

/** servePort on a fresh channel; `posts` gathers the messages the main thread's end receives. */
function served(dispatch: SocketlessDispatch | undefined, options: { readonly gather?: boolean } = { gather: true }) {
  const { port1: main, port2: worker } = new MessageChannel();
  channels.push(main, worker);
  servePort(worker, (service) => (service === 'sqs' ? dispatch : undefined), options);
  const posts: PortReplyPost[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  main.on('message', (post: PortReplyPost) => {
    posts.push(post);
    for (const waiter of waiters) if (posts.flat().length >= waiter.count) waiter.resolve();
  });
  /** Resolves once `count` answers have arrived in all. */
  const answered = (count: number) =>
    new Promise<void>((resolve) => {
      if (posts.flat().length >= count) resolve();
      else waiters.push({ count, resolve });
    });
  const send = (...requests: PortRequestMessage[]) =>
    main.postMessage(
      requests.length === 1 ? requests[0] : requests,
      requests.map((r) => r.body.buffer as ArrayBuffer),
    );
  return { posts, answered, send };
}

const echo: SocketlessDispatch = (req) => ({
  status: 200,
  headers: { 'x-path': req.path },
  body: TEXT.encode(`${req.path}:${Buffer.from(req.body).toString()}`),
});

const bodyText = (answer: PortReplyMessage | undefined) =>
  Buffer.from((answer as { body: Uint8Array }).body).toString();

describe('servePort', () => {
  it('answers the requests of one message in one message, failures as network errors', async () => {
    // Prepare: /boom throws a plain error; SNS is not running.
    const { posts, answered, send } = served((req) => {
      if (req.path === '/boom') throw new Error('boom');
      return echo(req);
    });

    // Act
    send(request(1, '/a'), request(2, '/b', { service: 'sns' }), request(3, '/boom'), request(4, '/c'));
    await answered(4);

    // Assert
    expect(posts).toHaveLength(1);
    const answers = posts[0] as PortReplyMessage[];
    expect(answers.map((answer) => answer.id)).toEqual([2, 3, 1, 4]);
    const byId = new Map(answers.map((answer) => [answer.id, answer]));
    expect(byId.get(1)).toMatchObject({ status: 200, headers: { 'x-path': '/a' } });
    expect(bodyText(byId.get(1))).toBe('/a:body 1');
    expect(byId.get(2)).toMatchObject({ error: { code: 'ECONNREFUSED' } });
    expect(byId.get(3)).toMatchObject({ error: { code: 'ECONNRESET', message: 'boom' } });
    expect(bodyText(byId.get(4))).toBe('/c:body 4');
  });

  it('answers a request that arrives alone at once, in a message of its own, its body transferred', async () => {
    // Prepare
    const bodies: Uint8Array[] = [];
    const { posts, answered, send } = served((req) => {
      const response = echo(req) as SocketlessResponse;
      bodies.push(response.body);
      return response;
    });

    // Act
    send(request(7, '/x'));
    await answered(1);

    // Assert
    expect(Array.isArray(posts[0])).toBe(false);
    expect(posts[0]).toMatchObject({ id: 7, status: 200 });
    expect(bodyText(posts[0] as PortReplyMessage)).toBe('/x:body 7');
    expect(bodies[0]!.byteLength).toBe(0); // moved to the other thread, not copied
  });

  it('does not hold an answer past the end of the turn for a slower request of the same message', async () => {
    // Prepare: /slow is answered only when the test says.
    let answerSlow: (response: SocketlessResponse) => void = () => undefined;
    const { posts, answered, send } = served((req) =>
      req.path === '/slow'
        ? new Promise<SocketlessResponse>((resolve) => {
            answerSlow = resolve;
          })
        : echo(req),
    );

    // Act
    send(request(1, '/slow'), request(2, '/fast'));
    await answered(1);
    const beforeTheSlowOne = posts.flat().map((answer) => answer.id);
    answerSlow({ status: 200, headers: {}, body: TEXT.encode('late') });
    await answered(2);

    // Assert
    expect(beforeTheSlowOne).toEqual([2]);
    expect(posts.map((post) => (post as PortReplyMessage).id)).toEqual([2, 1]);
  });

  it('answers at once while a long poll is held', async () => {
    // Prepare: the long poll waits until the test answers it.
    let answerPoll: (response: SocketlessResponse) => void = () => undefined;
    const { posts, answered, send } = served((req) =>
      req.path === '/poll'
        ? new Promise<SocketlessResponse>((resolve) => {
            answerPoll = resolve;
          })
        : echo(req),
    );

    // Act
    send(request(1, '/poll', { longPoll: true }), request(2, '/a'), request(3, '/b'));
    await answered(2);
    const whileThePollWaits = posts.slice();
    answerPoll({ status: 200, headers: {}, body: TEXT.encode('{}') });
    await answered(3);

    // Assert: /a and /b were all that was being served; they went back together, without the poll.
    expect(whileThePollWaits).toHaveLength(1);
    expect((whileThePollWaits[0] as PortReplyMessage[]).map((answer) => answer.id)).toEqual([2, 3]);
    expect(posts[1]).toMatchObject({ id: 1, status: 200 });
  });

  it('answers each request in a message of its own with gather: false', async () => {
    // Prepare
    const { posts, answered, send } = served(echo, { gather: false });

    // Act
    send(request(1, '/a'), request(2, '/b'), request(3, '/c'));
    await answered(3);

    // Assert
    expect(posts.map((post) => (post as PortReplyMessage).id)).toEqual([1, 2, 3]);
  });
});
