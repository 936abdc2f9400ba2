import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { detailTypeFor, EVENT_SOURCE, type InvoiceEventDetail } from '../../schemas/envelope.ts';
import { type FailureKind, toDownstreamError } from '../shared/errors.ts';
import { type RetryBudget, retryPending } from '../shared/retry.ts';

/** PutEvents limits: entries and total size per call (EventBridge quotas, not adjustable). */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/**
 * Entry error codes EventBridge documents as retryable; every other code (AccessDenied,
 * MalformedDetail, NotAuthorizedForSource, …) fails the same way however often it is sent.
 */
const TRANSIENT_ENTRY_CODES: ReadonlySet<string> = new Set(['InternalFailure', 'ThrottlingException']);

export interface BusRejection {
  readonly eventId: string;
  readonly invoiceId: string;
  readonly code: string;
  readonly kind: FailureKind;
  readonly message: string;
}

export interface PublishResult {
  /** eventIds the bus accepted, in request order. */
  readonly accepted: readonly string[];
  /** Events the bus did not take after the retry budget; resending them (same eventIds) is safe. */
  readonly rejected: readonly BusRejection[];
  /** Retries made (0 when everything went through at once). */
  readonly retries: number;
}

export interface PublishToBusOptions extends RetryBudget {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
}

interface PendingEntry {
  readonly detail: InvoiceEventDetail;
  readonly entry: PutEventsRequestEntry;
  readonly bytes: number;
}

/** The bus entry for one event: the `detail` is the validated event with its server metadata. */
export function toBusEntry(detail: InvoiceEventDetail, eventBusName: string): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: EVENT_SOURCE,
    DetailType: detailTypeFor(detail.stage),
    Detail: JSON.stringify(detail),
    Time: new Date(detail.server.receivedAt),
  };
}

/**
 * Size of an entry as EventBridge counts it against the 256 KB limit: UTF-8 bytes of Source,
 * DetailType, Detail and Resources, plus 14 bytes when Time is set.
 */
export function busEntrySize(entry: PutEventsRequestEntry): number {
  const utf8 = (value: string | undefined) => (value ? Buffer.byteLength(value, 'utf8') : 0);
  return (
    (entry.Time ? 14 : 0) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + utf8(resource), 0)
  );
}

/**
 * Puts events on the bus. A request holds at most 10 events, so this is normally one PutEvents call;
 * the calls are split only if the entries together exceed the 256 KB call limit.
 *
 * PutEvents can answer 200 with `FailedEntryCount > 0`: each failed entry is examined, transient
 * ones are resent (only those) with backoff and jitter, permanent ones are reported at once.
 * Nothing is dropped: every event ends up either in `accepted` or in `rejected`.
 */
export async function publishToBus(
  details: readonly InvoiceEventDetail[],
  options: PublishToBusOptions,
): Promise<PublishResult> {
  const rejected = new Map<string, BusRejection>();
  const lastFailure = new Map<string, EntryFailure>();
  let retries = 0;

  const entries: PendingEntry[] = details.map((detail) => {
    const entry = toBusEntry(detail, options.eventBusName);
    return { detail, entry, bytes: busEntrySize(entry) };
  });
  const reject = (pending: PendingEntry, failure: EntryFailure) =>
    rejected.set(pending.detail.eventId, {
      eventId: pending.detail.eventId,
      invoiceId: pending.detail.invoiceId,
      ...failure,
    });

  const sendable: PendingEntry[] = [];
  for (const pending of entries) {
    if (pending.bytes > PUT_EVENTS_MAX_BYTES) {
      reject(pending, {
        code: 'EntryTooLarge',
        kind: 'permanent',
        message: `entry is ${pending.bytes} bytes; PutEvents allows ${PUT_EVENTS_MAX_BYTES}`,
      });
    } else {
      sendable.push(pending);
    }
  }

  for (const chunk of chunkBySize(sendable)) {
    const leftOver = await retryPending(
      chunk,
      async (pending) => {
        try {
          const response = await options.client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
          return entriesToRetry(pending, response, lastFailure, reject);
        } catch (error) {
          const downstream = toDownstreamError('EventBridge', 'PutEvents', error);
          const failure = { code: downstream.code, kind: downstream.kind, message: downstream.message };
          if (downstream.kind === 'permanent') {
            for (const p of pending) reject(p, failure);
            return [];
          }
          for (const p of pending) lastFailure.set(p.detail.eventId, failure);
          return pending;
        }
      },
      {
        policy: options.policy,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.remainingTimeMs ? { remainingTimeMs: options.remainingTimeMs } : {}),
        onRetry: () => {
          retries++;
        },
      },
    );
    for (const p of leftOver) {
      reject(p, lastFailure.get(p.detail.eventId) ?? { code: 'Unknown', kind: 'transient', message: 'not accepted' });
    }
  }

  return {
    accepted: details.map((d) => d.eventId).filter((id) => !rejected.has(id)),
    rejected: details.flatMap((d) => rejected.get(d.eventId) ?? []),
    retries,
  };
}

/** Splits entries into PutEvents calls of at most 10 entries and 256 KB. */
function chunkBySize(entries: readonly PendingEntry[]): PendingEntry[][] {
  const chunks: PendingEntry[][] = [];
  let current: PendingEntry[] = [];
  let size = 0;
  for (const entry of entries) {
    if (
      current.length === PUT_EVENTS_MAX_ENTRIES ||
      (current.length > 0 && size + entry.bytes > PUT_EVENTS_MAX_BYTES)
    ) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += entry.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

type EntryFailure = Omit<BusRejection, 'eventId' | 'invoiceId'>;

/**
 * Reads a PutEvents answer entry by entry: permanent failures are rejected at once, transient ones
 * are remembered in `lastFailure` and returned to be sent again.
 */
function entriesToRetry(
  pending: readonly PendingEntry[],
  response: PutEventsCommandOutput,
  lastFailure: Map<string, EntryFailure>,
  reject: (pending: PendingEntry, failure: EntryFailure) => void,
): PendingEntry[] {
  const results = response.Entries ?? [];
  const retry: PendingEntry[] = [];
  pending.forEach((p, index) => {
    const result = results[index];
    // An answer shorter than the request leaves the missing entries unknown: resend them
    // (safe, the eventId makes a second copy harmless downstream).
    if (!result) {
      lastFailure.set(p.detail.eventId, {
        code: 'MissingResultEntry',
        kind: 'transient',
        message: 'PutEvents returned no result for this entry',
      });
      retry.push(p);
      return;
    }
    if (!result.ErrorCode) return;
    const kind: FailureKind = TRANSIENT_ENTRY_CODES.has(result.ErrorCode) ? 'transient' : 'permanent';
    const failure = { code: result.ErrorCode, kind, message: result.ErrorMessage ?? result.ErrorCode };
    if (kind === 'transient') {
      lastFailure.set(p.detail.eventId, failure);
      retry.push(p);
    } else {
      reject(p, failure);
    }
  });
  return retry;
}
