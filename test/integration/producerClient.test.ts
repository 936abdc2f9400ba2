import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyConflictError } from '../../clients/producer/errors.ts';
import type { StageEvents } from '../../clients/producer/generated/openapi.ts';
import { ProducerClient } from '../../clients/producer/ProducerClient.ts';
import type { RunningLocalCell } from '../../local/cell/index.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { STAGES, type Stage } from '../../schemas/stages.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import { buildInvoiceRun, waitForDrain, waitForTimelines } from '../helpers/localCellTraffic.ts';
import { localCellWithClients, startTestCell } from '../helpers/localTestCell.ts';

/**
 * The producer client against a running local cell, through a key whose usage plan is tight enough
 * that the cell answers 429 THROTTLED with Retry-After: every event must still be recorded exactly
 * once, and re-sending them must publish nothing.
 */

const THROTTLED_KEY = 'producer-client-key-0123456789';
let cell: RunningLocalCell;
let dataDir: string;

beforeAll(async () => {
  ({ cell, dataDir } = await startTestCell(
    'bems-producer-client-',
    localCellWithClients({ name: 'producer-client', localKey: THROTTLED_KEY, rateLimit: 10, burstLimit: 4 }),
  ));
});

afterAll(async () => {
  await cell?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A client whose fetch counts the statuses the cell answered. */
function countingClient() {
  const statuses: number[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    statuses.push(response.status);
    return response;
  };
  const client = new ProducerClient({
    baseUrl: cell.apiUrl,
    apiKey: THROTTLED_KEY,
    fetch,
    retry: { budgetMs: 60_000 },
  });
  return { client, statuses };
}

/** The run's events of one stage; the zod builder's events are valid events of the published types. */
const ofStage = <S extends Stage>(events: readonly InvoiceEvent[], stage: S) =>
  events.filter((event) => event.stage === stage) as unknown as StageEvents[S][];

describe('ProducerClient against the local cell', () => {
  it('records 400 events of 4 stages exactly once while the key is throttled, and a re-send publishes nothing', async () => {
    // Prepare: 100 invoices × 4 stages, sent by four producers (one per stage) at once
    const events = buildInvoiceRun({ invoices: 100, prefix: 'INV-CLIENT', seed: 15 });
    const archivedBefore = await cell.archive.count();
    const { client, statuses } = countingClient();

    // Act
    const results = await Promise.all(STAGES.map((stage) => client.send(stage, ofStage(events, stage))));
    const resent = await client.send('posting', ofStage(events, 'posting').slice(0, 25));

    // Assess: throttled on the way, yet every event confirmed once
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 202 || status === 429)).toBe(true);
    const outcomes = results.flatMap((result) => result.outcomes);
    expect(outcomes.map((outcome) => outcome.eventId).sort()).toEqual(events.map((event) => event.eventId).sort());
    expect(outcomes.every((outcome) => outcome.outcome === 'accepted')).toBe(true);
    expect(resent.outcomes.every((outcome) => outcome.outcome === 'repeated')).toBe(true);
    // …published once each (the re-send included) and recorded once each
    expect(await cell.archive.count()).toBe(archivedBefore + 400);
    const expected = new Map<string, Set<string>>();
    for (const event of events)
      expected.set(event.invoiceId, (expected.get(event.invoiceId) ?? new Set()).add(event.eventId));
    const deadline = Date.now() + 20_000;
    await waitForDrain(cell.apiUrl, deadline);
    const timelines = await waitForTimelines(cell.apiUrl, cell.apiKey, expected, deadline);
    const problems = [...expected].filter(([invoiceId, eventIds]) => {
      const seen = timelines.get(invoiceId)?.events.map((event) => event.eventId) ?? [];
      return seen.length !== eventIds.size || seen.some((eventId) => !eventIds.has(eventId));
    });
    expect(problems).toEqual([]);
    expect(cell.readModel.duplicateIdentities()).toEqual([]);
  });

  it('surfaces a changed amount under a known eventId as IdempotencyConflictError, publishing nothing', async () => {
    // Prepare
    const event = buildInvoiceEvent('ingestion', { amount: '100.00' }) as StageEvents['ingestion'];
    const { client } = countingClient();
    await client.send('ingestion', [event]);
    const archivedBefore = await cell.archive.count();

    // Act
    const failure = await client.send('ingestion', [{ ...event, amount: '100.50' }]).catch((caught: unknown) => caught);

    // Assess
    expect(failure).toBeInstanceOf(IdempotencyConflictError);
    expect((failure as IdempotencyConflictError).conflictingEventIds).toEqual([event.eventId]);
    expect(await cell.archive.count()).toBe(archivedBefore);
  });
});
