import type { AdmissionSettings } from '../AdmissionControl.ts';

/** What the main thread gives the API front's thread when it starts it. */
export interface FrontWorkerData {
  readonly host: string;
  readonly port: number;
  readonly admission: AdmissionSettings;
  /** How long the front waits for the main thread's answer before it answers 504 itself. */
  readonly integrationTimeoutMs: number;
  /** How often the main thread says it is alive (and how late its loop runs). */
  readonly heartbeatMs: number;
}

/** A request the front read and admitted, handed to the main thread to answer. */
export interface FrontRequest {
  readonly kind: 'request';
  readonly id: number;
  readonly method: string;
  /** Absolute URL, e.g. `http://127.0.0.1:4010/invoices/posting?x=1`. */
  readonly url: string;
  /** As node received them: [name, value, name, value, …]. */
  readonly rawHeaders: readonly string[];
  /** The body as read (transferred, not copied); empty for a body the front did not read. */
  readonly body: Uint8Array;
  readonly remoteAddress: string;
  /** `Date.now()` after which the front has already answered 504: the main thread skips it then. */
  readonly deadline: number;
}

/** Messages from the front's thread to the main thread. */
export type FrontMessage =
  | FrontRequest
  | { readonly kind: 'listening'; readonly port: number }
  | { readonly kind: 'listen-failed'; readonly code: string | undefined; readonly message: string }
  | { readonly kind: 'stopped' };

/** The main thread's answer to one {@link FrontRequest}; `skipped` when it came after the deadline. */
export interface FrontReply {
  readonly kind: 'reply';
  readonly id: number;
  readonly status: number;
  readonly headers: readonly (readonly [string, string | string[]])[];
  readonly body: Uint8Array;
  readonly skipped?: boolean;
}

/** Messages from the main thread to the front's thread. */
export type MainMessage =
  | FrontReply
  /** The main loop's lateness as it last measured it (ms); its absence is lateness too. */
  | { readonly kind: 'heartbeat'; readonly delayMs: number }
  | { readonly kind: 'stop'; readonly graceMs: number };
