import { MAX_FUTURE_SKEW_MS } from '../../../schemas/invoiceEvent.ts';
import { inProcessProbe } from '../support/CellProbe.ts';
import { RetryingClient, sendAll } from '../support/RetryingClient.ts';
import { reliabilityCell, startReliabilityCell } from '../support/reliabilityCell.ts';
import type { ScenarioResult } from '../support/ScenarioResult.ts';
import { buildScenarioEvents, eventIdsWhere, toScenarioRequests } from '../support/scenarioEvents.ts';
import { randomInt, seededRandom, shuffle } from '../support/seededRandom.ts';
import { verifyNothingLost } from '../support/verifyNothingLost.ts';
import { portion, type ScenarioSize } from './ScenarioSize.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Kinds of occurredAt the scenario sends, by invoice prefix. */
export const TIMESTAMP_KINDS = {
  /** Just older than the memory store (24 h): the first magnetic-store writes. */
  DAY: (now: number) => now - 25 * HOUR_MS,
  /** Six years ago: deep in the magnetic store (retention 2555 days). */
  PAST: (now: number) => now - 6 * 365 * DAY_MS,
  /** Ten seconds inside the API's 5-minute future edge. */
  EDGE: (now: number) => now + MAX_FUTURE_SKEW_MS - 10_000,
  /** Thirty seconds past the edge: the API must refuse it (400), nothing may enter the bus. */
  OVER: (now: number) => now + MAX_FUTURE_SKEW_MS + 30_000,
  /**
   * Eight years ago: beyond the table's magnetic retention, where Timestream would reject the record
   * for good. The API must refuse it (400) instead of accepting an event it can never record.
   */
  ANCIENT: (now: number) => now - 8 * 365 * DAY_MS,
} as const;

/**
 * Event timestamps far in the past (the magnetic-store path, and beyond its retention) and at the
 * allowed future edge (+5 minutes), with ordinary events alongside. OVER and ANCIENT events must
 * be refused by the API; everything else must be recorded without help.
 */
export async function eventTimestampsScenario(size: ScenarioSize): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const random = seededRandom(size.seed + 50);
  const { cell, dispose } = await startReliabilityCell('timestamps', reliabilityCell());
  const probe = inProcessProbe(cell);
  try {
    const now = Date.now();
    const at = (kind: keyof typeof TIMESTAMP_KINDS) => () =>
      new Date(TIMESTAMP_KINDS[kind](now) - randomInt(random, 0, 5_000)).toISOString();
    const group = (kind: keyof typeof TIMESTAMP_KINDS, share: number, seedOffset: number, perStage = 2) =>
      buildScenarioEvents({
        seed: size.seed + seedOffset,
        invoices: portion(size, share),
        prefix: kind,
        random,
        occurredAt: at(kind),
        maxEventsPerStage: perStage,
      });
    const events = [
      ...group('DAY', 0.15, 51),
      ...group('PAST', 0.2, 52),
      ...group('EDGE', 0.2, 53),
      ...group('OVER', 0.1, 54),
      ...group('ANCIENT', 0.1, 55, 1),
      ...buildScenarioEvents({ seed: size.seed + 56, invoices: portion(size, 0.25), prefix: 'OK', random }),
    ];
    const client = new RetryingClient({ apiUrl: () => cell.apiUrl, apiKey: cell.apiKey, random });
    // One kind per request (an OVER or ANCIENT event would take its batch-mates down with it), and the EDGE
    // events first, so they arrive while still inside the edge.
    const ofKind = (prefix: string) => events.filter((e) => e.invoiceId.startsWith(`${prefix}-`));
    const requests = [
      ...toScenarioRequests(ofKind('EDGE'), random),
      ...shuffle(
        random,
        ['DAY', 'PAST', 'OVER', 'ANCIENT', 'OK'].flatMap((kind) => toScenarioRequests(ofKind(kind), random)),
      ),
    ];
    const outcomes = await sendAll(client, requests, size.concurrency);
    const statusesOf = (prefix: string) =>
      new Set(
        outcomes
          .filter((o) => o.request.events.some((e) => e.invoiceId.startsWith(`${prefix}-`)))
          .flatMap((o) => o.statuses),
      );
    const acceptedIds = new Set(outcomes.flatMap((o) => o.accepted));
    const acceptedOf = (kind: string) => ofKind(kind).filter((e) => acceptedIds.has(e.eventId)).length;
    const facts = Object.fromEntries(
      Object.keys(TIMESTAMP_KINDS).flatMap((kind) => [
        [`${kind}.sent`, ofKind(kind).length],
        [`${kind}.accepted`, acceptedOf(kind)],
      ]),
    );
    return await verifyNothingLost({
      scenario: 'timestamps: far past and the +5 min future edge',
      fault:
        'occurredAt 25 h and 6 years ago (magnetic store), 8 years ago (beyond retention: refused), +5 min − 10 s, +5 min + 30 s (refused)',
      probe,
      outcomes,
      affected: eventIdsWhere(events, (e) => !e.invoiceId.startsWith('OK-')),
      startedAt,
      facts: () => facts,
      notes: ['OVER', 'ANCIENT'].map(
        (prefix) => `statuses of requests with an ${prefix}- event: ${[...statusesOf(prefix)].join(', ')}`,
      ),
    });
  } finally {
    probe.close();
    await dispose();
  }
}
