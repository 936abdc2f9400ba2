import type { MessagePort } from 'node:worker_threads';
import { connectionRefused, type SocketlessDispatch, type SocketlessResponse } from '../http/socketless.ts';
import { endOfTurn } from './endOfTurn.ts';
import type {
  PortReplyMessage,
  PortReplyPost,
  PortRequestMessage,
  PortRequestPost,
  PortService,
} from './portProtocol.ts';

/**
 * Answers the main thread's SDK requests arriving on `port` (see `portProtocol.ts`) with the
 * emulators' socketless entries: the same routers, counters and faults as their HTTP servers.
 * `route` names the emulator of a service, or none while it is not running (a refused connection).
 * An entry that throws is answered as the network error it names (`code`), `ECONNRESET` otherwise
 * — over HTTP the socket would have been cut. A message holds one request or several; the answers
 * go back as {@link Answers} decides with `gather: true`, else each in a message of its own.
 *
 * The callbacks per message are anonymous arrows on purpose: under tsx (esbuild's keepNames) a
 * closure bound to a name (`const reply = () => …`) gets a `__name` → `Object.defineProperty`
 * call each time it is created, ~1.5 µs, which at thousands of messages per second was a
 * visible share of this thread.
 */
export function servePort(
  port: MessagePort,
  route: (service: PortService) => SocketlessDispatch | undefined,
  options: { readonly gather?: boolean } = {},
): void {
  const answers = new Answers(port, options.gather ?? false);
  port.on('message', (post: PortRequestPost) => {
    // All of a message's requests count as being served before the first is answered.
    if (Array.isArray(post)) {
      for (const message of post) answers.received(message);
      for (const message of post) serve(message, route, answers);
    } else {
      answers.received(post as PortRequestMessage);
      serve(post as PortRequestMessage, route, answers);
    }
  });
}

function serve(
  message: PortRequestMessage,
  route: (service: PortService) => SocketlessDispatch | undefined,
  answers: Answers,
): void {
  try {
    const dispatch = route(message.service);
    if (!dispatch) throw connectionRefused(`the ${message.service} emulator is not running`);
    Promise.resolve(dispatch(message)).then(
      (response) => answers.send(message, answerOf(message.id, response), ownedBuffer(response.body)),
      (error: unknown) => answers.send(message, failureOf(message.id, error)),
    );
  } catch (error) {
    answers.send(message, failureOf(message.id, error));
  }
}

/**
 * The answers on their way back. One is posted at once when no other request is being served
 * (the main thread would otherwise wait for nothing); while others are, it is gathered and posted
 * with theirs — as soon as the last of them is answered, or at the end of this turn of the
 * event loop when some take longer. Each `postMessage` that wakes the main thread costs this one
 * 5–90 µs and that one a turn of its own (docs/PERFORMANCE.md, "Downstream main-thread CPU").
 * Long polls are not counted as being served: fauxqs holds them without working on them.
 */
class Answers {
  private serving = 0;
  private held: PortReplyMessage[] = [];
  private transfer: ArrayBuffer[] = [];
  private readonly flushAtEndOfTurn = endOfTurn(() => this.flush());

  constructor(
    private readonly port: MessagePort,
    private readonly gather: boolean,
  ) {}

  received(message: PortRequestMessage): void {
    if (!message.longPoll) this.serving += 1;
  }

  send(message: PortRequestMessage, reply: PortReplyMessage, transfer?: ArrayBuffer): void {
    if (!message.longPoll) this.serving -= 1;
    if (!this.gather || (this.serving === 0 && this.held.length === 0)) {
      this.port.postMessage(reply, transfer ? [transfer] : []);
      return;
    }
    this.held.push(reply);
    // A buffer listed twice fails the whole post (DataCloneError).
    if (transfer && !this.transfer.includes(transfer)) this.transfer.push(transfer);
    if (this.serving === 0) this.flush();
    else this.flushAtEndOfTurn();
  }

  private flush(): void {
    if (this.held.length === 0) return;
    const post: PortReplyPost = this.held.length === 1 ? this.held[0]! : this.held;
    this.port.postMessage(post, this.transfer);
    this.held = [];
    this.transfer = [];
  }
}

function answerOf(id: PortRequestMessage['id'], response: SocketlessResponse): PortReplyMessage {
  return { id, status: response.status, headers: response.headers, body: response.body };
}

function failureOf(id: PortRequestMessage['id'], error: unknown): PortReplyMessage {
  const { code, message: text } = error as { code?: unknown; message?: unknown };
  return { id, error: { code: typeof code === 'string' ? code : 'ECONNRESET', message: String(text ?? error) } };
}

/** The body's buffer, to transfer, when the body is all of it; otherwise it is copied. */
function ownedBuffer(body: Uint8Array): ArrayBuffer | undefined {
  const { buffer } = body;
  const whole = body.byteOffset === 0 && body.byteLength === buffer.byteLength;
  return whole && buffer instanceof ArrayBuffer ? buffer : undefined;
}
