/**
 * The messages between the local cell's SDK clients (main thread) and the emulators (worker
 * thread) on the port that replaces loopback HTTP for them: one request, answered once with the
 * same `id`. Bodies travel as bytes whose buffer is transferred, not copied. A message on the port
 * is one request or several ({@link PortRequestPost}): the requests a turn of the main thread's
 * event loop makes travel together, so that the emulator thread is woken once for them; the
 * answers a turn of the emulator thread gives travel back together the same way ({@link PortReplyPost}).
 */

/** Which emulator answers: the service's SigV4 signing name (`sns` and `sqs` both go to fauxqs). */
export type PortService = 'events' | 'sns' | 'sqs' | 'timestream' | 'firehose' | 'dynamodb';

export interface PortRequestMessage {
  readonly id: number;
  readonly service: PortService;
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  /** Lower-case names, as a server reads them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** What one `postMessage` on the port carries towards the emulators. */
export type PortRequestPost = PortRequestMessage | readonly PortRequestMessage[];

export type PortReplyMessage =
  | {
      readonly id: number;
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: Uint8Array;
    }
  /** No answer: what an HTTP client would see as a network error (`ECONNREFUSED`, `ECONNRESET`). */
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };

/** What one `postMessage` on the port carries back to the main thread. */
export type PortReplyPost = PortReplyMessage | readonly PortReplyMessage[];
