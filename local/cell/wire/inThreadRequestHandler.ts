import type { SocketlessDispatch } from '../../http/socketless.ts';
import type { PortService } from '../../worker/portProtocol.ts';
import { PortRequestHandler, type RequestSender } from './PortRequestHandler.ts';
import { abortError, type SdkHttpResponse, timeoutError } from './sdkHttp.ts';

/**
 * An SDK request handler for a client on the same thread as the emulator it calls (the EventBridge
 * emulator's deliveries to fauxqs, on the emulator worker): each request goes straight to the
 * emulator's socketless `dispatch` — counted, committed and refused as over HTTP — with the
 * client's `requestTimeout` and abort signal still applying.
 */
export function inThreadRequestHandler(
  dispatch: SocketlessDispatch,
  service: PortService,
  options: { readonly requestTimeout?: number } = {},
): PortRequestHandler {
  const sender: RequestSender = {
    send: (_service, request, timeoutMs, abortSignal) => {
      if (abortSignal?.aborted) return Promise.reject(abortError());
      let timer: NodeJS.Timeout | undefined;
      const answered = Promise.resolve()
        .then(() => dispatch(request))
        .then(
          (response): SdkHttpResponse => ({
            statusCode: response.status,
            headers: { ...response.headers },
            body: Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength),
          }),
        );
      if (timeoutMs <= 0) return answered;
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(timeoutError(timeoutMs)), timeoutMs);
      });
      return Promise.race([answered, timedOut]).finally(() => clearTimeout(timer));
    },
  };
  return new PortRequestHandler(sender, service, options);
}
