import type { MessagePort } from 'node:worker_threads';
import { connectionRefused, type SocketlessDispatch } from '../http/socketless.ts';
import type { PortReplyMessage, PortRequestMessage, PortService } from './portProtocol.ts';

/**
 * Answers the main thread's SDK requests arriving on `port` (see `portProtocol.ts`) with the
 * emulators' socketless entries: the same routers, counters and faults as their HTTP servers.
 * `route` names the emulator of a service, or none while it is not running (a refused connection).
 * An entry that throws is answered as the network error it names (`code`), `ECONNRESET` otherwise
 * — over HTTP the socket would have been cut.
 */
export function servePort(port: MessagePort, route: (service: PortService) => SocketlessDispatch | undefined): void {
  port.on('message', (message: PortRequestMessage) => {
    const reply = (answer: PortReplyMessage, transfer: ArrayBuffer[] = []) => port.postMessage(answer, transfer);
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
  });
}

/** The body's buffer, to transfer, when the body is all of it; otherwise it is copied. */
function ownedBuffer(body: Uint8Array): ArrayBuffer[] {
  const { buffer } = body;
  const whole = body.byteOffset === 0 && body.byteLength === buffer.byteLength;
  return whole && buffer instanceof ArrayBuffer ? [buffer] : [];
}
