/**
 * The EventBridge event as rules see it and targets receive it (schemas/envelope.ts `BusEventSchema`
 * is the consumer-side contract for the same shape).
 */
export interface BusEventFields {
  readonly id: string;
  readonly detailType: string;
  readonly source: string;
  readonly account: string;
  readonly timeMs: number;
  readonly region: string;
  readonly resources: readonly string[];
  /** `Detail` exactly as the client sent it (already checked to be a JSON object). */
  readonly detailJson: string;
}

/**
 * EventBridge renders `time` at second precision ("2026-11-28T09:30:01Z"); the archive keeps the
 * millisecond instant separately for replay windows.
 */
export function eventTimeString(timeMs: number): string {
  return new Date(Math.floor(timeMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Serializes the event in EventBridge's field order. The detail is spliced in as sent rather than
 * re-serialized: cheaper on the hot path and byte-faithful to the producer's JSON.
 */
export function busEventJson(event: BusEventFields): string {
  return (
    `{"version":"0","id":${JSON.stringify(event.id)},"detail-type":${JSON.stringify(event.detailType)},` +
    `"source":${JSON.stringify(event.source)},"account":${JSON.stringify(event.account)},` +
    `"time":"${eventTimeString(event.timeMs)}","region":${JSON.stringify(event.region)},` +
    `"resources":${JSON.stringify(event.resources)},"detail":${event.detailJson}}`
  );
}

/** The archived event as a replay re-sends it: the same event with `replay-name` added, as EventBridge does. */
export function withReplayName(eventJson: string, replayName: string): string {
  return `${eventJson.slice(0, eventJson.lastIndexOf('}'))},"replay-name":${JSON.stringify(replayName)}}`;
}
