import { randomUUID } from 'node:crypto';
import { busEventJson, eventTimeString } from '../busEvent.ts';
import type { AcceptedEvent, EventBridgeStore } from '../EventBridgeStore.ts';
import { ValidationError } from '../errors.ts';
import { EVENTBRIDGE_LIMITS } from '../limits.ts';
import type { ResolvedBus } from '../resolveTopology.ts';
import type { PendingDelivery } from '../store/Outbox.ts';
import { type ActionInput, constraintError } from './input.ts';
import { findBus } from './lookup.ts';

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };
export interface PutEventsOutput {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** Per-entry error codes PutEvents reports (the request itself still answers 200). */
export const PUT_EVENTS_ENTRY_ERRORS = {
  invalidArgument: 'InvalidArgument',
  malformedDetail: 'MalformedDetail',
} as const;

/**
 * PutEvents: validates the request as a whole (entry count, total size, buses), then each entry on
 * its own. Valid entries are archived and queued for their matching rules' targets in one
 * transaction BEFORE the answer is sent, so an EventId in the response means the event is durable.
 *
 * Deviation from AWS, on purpose: AWS answers success for an entry addressed to a bus that does not
 * exist and drops it (aws/aws-sdk#186). Here the whole request fails with ResourceNotFoundException
 * — a misconfigured bus name must be loud, not lose events.
 */
export function putEvents(input: ActionInput, store: EventBridgeStore): PutEventsOutput {
  const entries = input.Entries;
  if (entries === undefined || entries === null) throw constraintError('Entries', undefined, 'Member must not be null');
  if (!Array.isArray(entries)) throw constraintError('Entries', JSON.stringify(entries), 'Member must be a list');
  if (entries.length < 1) throw constraintError('Entries', '[]', 'Member must have length greater than or equal to 1');
  if (entries.length > EVENTBRIDGE_LIMITS.maxEntriesPerPutEvents) {
    throw constraintError(
      'Entries',
      `[${entries.length} entries]`,
      `Member must have length less than or equal to ${EVENTBRIDGE_LIMITS.maxEntriesPerPutEvents}`,
    );
  }
  const totalBytes = entries.reduce<number>((sum, entry) => sum + entrySize(entry), 0);
  if (totalBytes > EVENTBRIDGE_LIMITS.maxPutEventsBytes) {
    throw new ValidationError('Total size of the entries in the request is over the limit.');
  }
  // Resolve every bus first: an unknown bus rejects the request before anything is accepted.
  const buses = entries.map((entry) => findBus(store, busNameOf(entry)));

  const nowMs = Date.now();
  const results: PutEventsResultEntry[] = [];
  const accepted: AcceptedEvent[] = [];
  entries.forEach((entry, index) => {
    const outcome = acceptEntry(entry, buses[index]!, store, nowMs);
    if ('ErrorCode' in outcome) {
      results.push(outcome);
    } else {
      accepted.push(outcome);
      results.push({ EventId: outcome.eventId });
    }
  });
  store.accept(accepted, nowMs);
  return { FailedEntryCount: entries.length - accepted.length, Entries: results };
}

function acceptEntry(
  entry: unknown,
  bus: ResolvedBus,
  store: EventBridgeStore,
  nowMs: number,
): AcceptedEvent | { ErrorCode: string; ErrorMessage: string } {
  if (!isObject(entry)) return invalid('Entry', 'Entry must be an object.');
  const { Source: source, DetailType: detailType, Detail: detail, Resources: resources, Time: time } = entry;
  if (typeof source !== 'string' || source === '') return invalid('Source', 'Source is a required argument.');
  if (typeof detailType !== 'string' || detailType === '') {
    return invalid('DetailType', 'DetailType is a required argument.');
  }
  if (typeof detail !== 'string' || detail === '') return invalid('Detail', 'Detail is a required argument.');
  if (resources !== undefined && (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string'))) {
    return invalid('Resources', 'Resources must be a list of strings.');
  }
  const timeMs = time === undefined || time === null ? nowMs : timestampMs(time);
  if (timeMs === undefined) return invalid('Time', 'Time must be a timestamp.');

  let parsedDetail: unknown;
  try {
    parsedDetail = JSON.parse(detail);
  } catch {
    return { ErrorCode: PUT_EVENTS_ENTRY_ERRORS.malformedDetail, ErrorMessage: 'Detail is malformed.' };
  }
  // EventBridge requires the detail to be a JSON object, not an array or a scalar.
  if (!isObject(parsedDetail)) {
    return { ErrorCode: PUT_EVENTS_ENTRY_ERRORS.malformedDetail, ErrorMessage: 'Detail is malformed.' };
  }

  const { region, account } = store.topology;
  const id = randomUUID();
  const resourceList = (resources as string[] | undefined) ?? [];
  const matchable = {
    version: '0',
    id,
    'detail-type': detailType,
    source,
    account,
    time: eventTimeString(timeMs),
    region,
    resources: resourceList,
    detail: parsedDetail,
  };
  const deliveries: PendingDelivery[] = [];
  for (const rule of bus.rules) {
    if (!rule.matches(matchable)) continue;
    for (const target of rule.targets)
      deliveries.push({ rule: rule.name, targetId: target.id, queueUrl: target.queueUrl });
  }
  return {
    eventId: id,
    ...(bus.archive ? { archive: bus.archive.name } : {}),
    timeMs,
    detailType,
    json: busEventJson({
      id,
      detailType,
      source,
      account,
      timeMs,
      region,
      resources: resourceList,
      detailJson: detail.trim(),
    }),
    deliveries,
  };
}

/** AWS's entry size: Time counts 14 bytes, then the UTF-8 bytes of Source, DetailType, Detail and each resource. */
export function entrySize(entry: unknown): number {
  if (!isObject(entry)) return 0;
  let size = entry.Time !== undefined && entry.Time !== null ? EVENTBRIDGE_LIMITS.timeFieldBytes : 0;
  for (const field of [entry.Source, entry.DetailType, entry.Detail]) {
    if (typeof field === 'string') size += Buffer.byteLength(field, 'utf8');
  }
  if (Array.isArray(entry.Resources)) {
    for (const r of entry.Resources) if (typeof r === 'string') size += Buffer.byteLength(r, 'utf8');
  }
  return size;
}

function busNameOf(entry: unknown): string | undefined {
  return isObject(entry) && typeof entry.EventBusName === 'string' && entry.EventBusName !== ''
    ? entry.EventBusName
    : undefined;
}

function timestampMs(value: unknown): number | undefined {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

function invalid(parameter: string, reason: string) {
  return {
    ErrorCode: PUT_EVENTS_ENTRY_ERRORS.invalidArgument,
    ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
