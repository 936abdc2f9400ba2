/**
 * The messages between the local cell's SDK clients (main thread) and the emulators (worker
 * thread) on the port that replaces loopback HTTP for them: one request, answered once with the
 * same `id`. Bodies travel as bytes whose buffer is transferred, not copied.
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

export type PortReplyMessage =
  | {
      readonly id: number;
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: Uint8Array;
    }
  /** No answer: what an HTTP client would see as a network error (`ECONNREFUSED`, `ECONNRESET`). */
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };
