import type { MessagePort } from 'node:worker_threads';
import { connectionRefused, type SocketlessDispatch, type SocketlessResponse } from '../http/socketless.ts';
import type { PortReplyMessage, PortRequestMessage, PortService } from './portProtocol.ts';

/**
 * Answers the main thread's SDK requests arriving on `port` (see `portProtocol.ts`) with the
 * emulators' socketless entries: the same routers, counters and faults as their HTTP servers.
 * `route` names the emulator of a service, or none while it is not running (a refused connection).
 * An entry that throws is answered as the network error it names (`code`), `ECONNRESET` otherwise
 * — over HTTP the socket would have been cut.
 *
 * The callbacks per message are anonymous arrows on purpose: under tsx (esbuild's keepNames) a
 * closure bound to a name (`const reply = () => …`) gets a `__name` → `Object.defineProperty`
 * call each time it is created, ~1.5 µs, which at thousands of messages per second was a
 * visible share of this thread.
 */
export function servePort(port: MessagePort, route: (service: PortService) => SocketlessDispatch | undefined): void {
  port.on('message', (message: PortRequestMessage) => {
    try {
      const dispatch = route(message.service);
      if (!dispatch) throw connectionRefused(`the ${message.service} emulator is not running`);
      Promise.resolve(dispatch(message)).then(
        (response) => answer(port, message.id, response),
        (error: unknown) => fail(port, message.id, error),
      );
    } catch (error) {
      fail(port, message.id, error);
    }
  });
}

function answer(port: MessagePort, id: PortRequestMessage['id'], response: SocketlessResponse): void {
  const { body } = response;
  const reply: PortReplyMessage = { id, status: response.status, headers: response.headers, body };
  port.postMessage(reply, ownedBuffer(body));
}

function fail(port: MessagePort, id: PortRequestMessage['id'], error: unknown): void {
  const { code, message: text } = error as { code?: unknown; message?: unknown };
  const reply: PortReplyMessage = {
    id,
    error: { code: typeof code === 'string' ? code : 'ECONNRESET', message: String(text ?? error) },
  };
  port.postMessage(reply);
}

/** The body's buffer, to transfer, when the body is all of it; otherwise it is copied. */
function ownedBuffer(body: Uint8Array): ArrayBuffer[] {
  const { buffer } = body;
  const whole = body.byteOffset === 0 && body.byteLength === buffer.byteLength;
  return whole && buffer instanceof ArrayBuffer ? [buffer] : [];
}
