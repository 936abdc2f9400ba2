/**
 * EventBridge service limits the emulator enforces, from the EventBridge quotas page
 * (docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html) and the API reference.
 * Enforcing them locally means a request AWS would reject is rejected here too, before it
 * reaches a deployed cell.
 */
export const EVENTBRIDGE_LIMITS = {
  /** PutEvents: entries per request. */
  maxEntriesPerPutEvents: 10,
  /** PutEvents: total entry size per request, computed as AWS does (see `entrySize`). */
  maxPutEventsBytes: 256 * 1024,
  /** Bytes an entry's `Time` counts for in the size calculation, when present. */
  timeFieldBytes: 14,
  /** Targets per rule. */
  maxTargetsPerRule: 5,
  /** Name rules for buses, rules, archives and replays. */
  busName: /^[/.\-_A-Za-z0-9]{1,256}$/,
  ruleName: /^[.\-_A-Za-z0-9]{1,64}$/,
  archiveName: /^[.\-_A-Za-z0-9]{1,48}$/,
  replayName: /^[.\-_A-Za-z0-9]{1,64}$/,
  /** List* `Limit` range. */
  listLimit: { min: 1, max: 100 },
  replayDescriptionChars: 512,
} as const;
