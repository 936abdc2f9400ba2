import { createHash } from 'node:crypto';
import type { BusEvent } from '../../schemas/envelope.ts';

/** SNS FIFO (and SQS FIFO) deduplication ids: 1–128 characters, alphanumerics and ASCII punctuation. */
const DEDUPLICATION_ID_PATTERN = /^[!-~]{1,128}$/;

/**
 * The SNS FIFO `MessageDeduplicationId` of a bus event.
 *
 * Live traffic uses the eventId, so an inbox redelivery of the same event within the 5-minute FIFO
 * window is a no-op. An archive replay (`replay-name` set) gets an id of its own, eventId plus replay
 * name: with the bare eventId, SNS would silently drop a replay that runs within 5 minutes of the
 * original delivery, and the event would never be recorded again. The replay id is stable for one
 * replay, so a redelivery inside the same replay is still deduplicated, and the store's idempotency
 * by eventId keeps a replay of an already-recorded event at one record.
 *
 * EventBridge replay names (`[.\-_A-Za-z0-9]{1,64}`) always fit the readable form; anything else the
 * envelope may carry (longer, spaces, non-ASCII) is hashed so that SNS never rejects the entry.
 */
export function deduplicationIdFor(busEvent: BusEvent): string {
  const { eventId } = busEvent.detail;
  const replayName = busEvent['replay-name'];
  if (replayName === undefined) return eventId;
  const readable = `${eventId}:replay:${replayName}`;
  if (DEDUPLICATION_ID_PATTERN.test(readable)) return readable;
  // A length prefix keeps (eventId, replayName) pairs unambiguous before hashing; the hex digest has
  // no ':' so it cannot equal a readable id.
  return createHash('sha256').update(`${eventId.length}:${eventId}${replayName}`).digest('hex');
}
