import { peekDlq } from '../../../handlers/shared/dlq/peekDlq.ts';
import { redriveDlq } from '../../../handlers/shared/dlq/redriveDlq.ts';
import type { CellProbe } from './CellProbe.ts';
import { readRecordedEvents } from './cellRecords.ts';
import type { RequestOutcome } from './RetryingClient.ts';
import type { ScenarioResult } from './ScenarioResult.ts';
import { cellQueues, waitUntilSettled } from './waitUntilSettled.ts';

export interface VerifyOptions {
  readonly scenario: string;
  readonly fault: string;
  readonly probe: CellProbe;
  /** Every request the clients made (retries included in each outcome). */
  readonly outcomes: readonly RequestOutcome[];
  /** Events sent outside the client (e.g. duplicates injected into a queue); they count as sent. */
  readonly alsoSent?: Iterable<string>;
  /** Events the fault targeted; every other accepted event must be unaffected. */
  readonly affected: ReadonlySet<string>;
  /** Called once the pipeline has settled under the fault, before redrive: the operator's fix. */
  readonly beforeRedrive?: () => void | Promise<void>;
  /** @default 60000 */
  readonly settleTimeoutMs?: number;
  readonly notes?: readonly string[];
  /** Scenario-specific measurements, read once the pipeline has settled, before the cell stops. */
  readonly facts?: () => Record<string, number> | Promise<Record<string, number>>;
  readonly startedAt: number;
}

/**
 * The invariant of issue 8, measured: after the fault, every event that got a 202 is recorded
 * exactly once (per consumer of its stage), or sits in a DLQ from which the redrive core of
 * `bems redrive` (`redriveDlq`) recovers it; nothing is recorded twice; nothing is recorded that
 * nobody sent; every accepted event is in the archive; the invoices the fault did not target were
 * recorded within the visibility SLA.
 */
export async function verifyNothingLost(options: VerifyOptions): Promise<ScenarioResult> {
  const { probe } = options;
  const settleTimeoutMs = options.settleTimeoutMs ?? 60_000;
  const accepted = new Map<string, string>(); // eventId → stage
  const sent = new Set<string>(options.alsoSent ?? []);
  for (const outcome of options.outcomes) {
    for (const event of outcome.request.events) sent.add(event.eventId);
    for (const eventId of outcome.accepted) {
      const event = outcome.request.events.find((e) => e.eventId === eventId);
      if (event) accepted.set(eventId, event.stage);
    }
  }
  // A consumer with a filter policy sees only some events; every unfiltered consumer must record all.
  const consumersOf = new Map(
    probe.topology.stages.map((s) => [
      s.stage as string,
      s.consumers.filter((c) => !c.filterPolicy).map((c) => c.consumer),
    ]),
  );

  await waitUntilSettled(probe, { timeoutMs: settleTimeoutMs });
  const recordedWithoutRedrive = countRecorded(probe.dataDir, accepted, consumersOf).size;
  await options.beforeRedrive?.();

  const redriven = new Set<string>();
  const sqs = probe.sqs();
  const health = await probe.health();
  for (const route of probe.routes()) {
    const depth = health.queues.find((q) => q.name === route.source.name)?.dlq;
    if (!depth || depth.visible + depth.inFlight + depth.delayed === 0) continue;
    await redriveDlq({
      sqs,
      route,
      waitTimeSeconds: 0,
      holdSeconds: 30,
      ratePerSecond: 10_000,
      select: (message) => {
        if (message.eventId) redriven.add(message.eventId);
        return 'redrive';
      },
    });
  }
  if (redriven.size > 0) await waitUntilSettled(probe, { timeoutMs: settleTimeoutMs });

  const records = readRecordedEvents(probe.dataDir);
  const recorded = countRecorded(probe.dataDir, accepted, consumersOf, records);
  const held = new Set<string>();
  const end = cellQueues(await probe.health());
  if (end.dead > 0) {
    for (const route of probe.routes())
      for (const message of await peekDlq({ sqs, route, limit: 100_000, waitTimeSeconds: 0 }))
        if (message.eventId && accepted.has(message.eventId) && !recorded.has(message.eventId))
          held.add(message.eventId);
  }
  const lostIds = [...accepted.keys()].filter((id) => !recorded.has(id) && !held.has(id));
  const facts = (await options.facts?.()) ?? {};
  const archived = new Set(await probe.stopAndReadArchive());
  const confirmed = new Set(accepted.keys());
  const recordedIds = new Set(records.map((r) => r.eventId));
  const unaffected = [...accepted.keys()].filter((id) => !options.affected.has(id));
  const latencies = records
    .filter((r) => !options.affected.has(r.eventId) && confirmed.has(r.eventId))
    .map((r) => (r.processedAtMs ?? Number.POSITIVE_INFINITY) - (r.receivedAtMs ?? 0))
    .sort((a, b) => a - b);
  return {
    scenario: options.scenario,
    fault: options.fault,
    sent: sent.size,
    accepted: accepted.size,
    affected: [...accepted.keys()].filter((id) => options.affected.has(id)).length,
    recorded: recorded.size,
    recordedWithoutRedrive,
    redriven: [...redriven].filter((id) => accepted.has(id)).length,
    lost: lostIds.length,
    heldInDlq: held.size,
    duplicated: records.filter((r) => r.count > 1).length,
    unexpected: [...recordedIds].filter((id) => !sent.has(id)).length,
    recordedWithoutConfirmation: [...recordedIds].filter((id) => sent.has(id) && !confirmed.has(id)).length,
    missingFromArchive: [...confirmed].filter((id) => !archived.has(id)).length,
    unaffected: {
      events: unaffected.length,
      recorded: unaffected.filter((id) => recorded.has(id)).length,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP99Ms: percentile(latencies, 0.99),
      latencyMaxMs: latencies.at(-1) ?? 0,
    },
    facts,
    notes: [
      ...(options.notes ?? []),
      ...(lostIds.length > 0 ? [`lost eventIds (first 5): ${lostIds.slice(0, 5).join(', ')}`] : []),
      ...(end.dead > held.size ? [`${end.dead} messages left in DLQs, ${held.size} of them accepted events`] : []),
      ...(end.outboxDead > 0 ? [`${end.outboxDead} EventBridge deliveries dead-lettered`] : []),
    ],
    durationMs: Date.now() - options.startedAt,
  };
}

/** Accepted events with a record for every consumer of their stage (more than one is counted as duplicated). */
function countRecorded(
  dataDir: string,
  accepted: ReadonlyMap<string, string>,
  consumersOf: ReadonlyMap<string, readonly string[]>,
  records = readRecordedEvents(dataDir),
): Set<string> {
  const seen = new Map<string, Set<string>>();
  for (const record of records) {
    if (accepted.get(record.eventId) !== record.stage) continue;
    const consumers = seen.get(record.eventId) ?? new Set<string>();
    consumers.add(record.consumer);
    seen.set(record.eventId, consumers);
  }
  const complete = new Set<string>();
  for (const [eventId, consumers] of seen) {
    const expected = consumersOf.get(accepted.get(eventId)!) ?? [];
    if (expected.every((consumer) => consumers.has(consumer))) complete.add(eventId);
  }
  return complete;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
