/**
 * The messages between the local cell's SDK clients (main thread) and the emulators (worker
 * thread) on the port that replaces loopback HTTP for them: one request, answered once with the
 * same `id`. Bodies travel as bytes whose buffer is transferred, not copied.
 *
 * One `postMessage` carries one message or several ({@link PortRequestPost}, {@link PortReplyPost}):
 * each side posts at once while the other is idle and gathers only while the other is known to be
 * busy with its earlier messages (see `EmulatorPort` and `servePort`), so that a busy thread is not
 * handed one message per request while an idle one is never kept waiting for the end of a turn.
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
  /**
   * The emulator may hold the answer without working on it (an SQS long poll): neither side counts
   * such a request as work in flight, or a poller's wait would make every other request wait too.
   */
  readonly longPoll?: true;
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
