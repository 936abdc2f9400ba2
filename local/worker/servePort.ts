import type { MessagePort } from 'node:worker_threads';
import { connectionRefused, type SocketlessDispatch } from '../http/socketless.ts';
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
 * — over HTTP the socket would have been cut.
 */
export function servePort(port: MessagePort, route: (service: PortService) => SocketlessDispatch | undefined): void {
  const serve = serveRequest(repliesInTurns(port), route);
  port.on('message', (post: PortRequestPost) => {
    if (Array.isArray(post)) for (const message of post) serve(message);
    else serve(post as PortRequestMessage);
  });
}

type Reply = (answer: PortReplyMessage, transfer?: ArrayBuffer[]) => void;

/**
 * Sends the answers of one turn of this thread's event loop in one message (one alone as itself):
 * waking the main thread when it sleeps is most of what a `postMessage` costs (see
 * `EmulatorPort.flush`, the other direction).
 */
function repliesInTurns(port: MessagePort): Reply {
  let answers: PortReplyMessage[] = [];
  let transfers: ArrayBuffer[] = [];
  const flush = () => {
    const post: PortReplyPost = answers.length === 1 ? answers[0]! : answers;
    port.postMessage(post, transfers);
    answers = [];
    transfers = [];
  };
  return (answer, transfer = []) => {
    if (answers.length === 0) setImmediate(flush);
    answers.push(answer);
    transfers.push(...transfer);
  };
}

function serveRequest(
  reply: Reply,
  route: (service: PortService) => SocketlessDispatch | undefined,
): (message: PortRequestMessage) => void {
  return (message) => {
    const failed = (error: unknown) => {
      const { code, message: text } = error as { code?: unknown; message?: unknown };
      reply({
        id: message.id,
        error: { code: typeof code === 'string' ? code : 'ECONNRESET', message: String(text ?? error) },
      });
    };
    try {
      const dispatch = route(message.service);
      if (!dispatch) throw connectionRefused(`the ${message.service} emulator is not running`);
      Promise.resolve(dispatch(message)).then((response) => {
        const { body } = response;
        reply({ id: message.id, status: response.status, headers: response.headers, body }, ownedBuffer(body));
      }, failed);
    } catch (error) {
      failed(error);
    }
  };
}

/** The body's buffer, to transfer, when the body is all of it; otherwise it is copied. */
function ownedBuffer(body: Uint8Array): ArrayBuffer[] {
  const { buffer } = body;
  const whole = body.byteOffset === 0 && body.byteLength === buffer.byteLength;
  return whole && buffer instanceof ArrayBuffer ? [buffer] : [];
}
