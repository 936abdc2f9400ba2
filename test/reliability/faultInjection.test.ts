import { describe, expect, it } from 'vitest';
import { ANALYTICS_STORES } from '../../schemas/analyticsRecord.ts';
import { consumerCrashScenario } from './scenarios/consumerCrash.ts';
import { duplicateDeliveriesScenario } from './scenarios/duplicateDeliveries.ts';
import { eventTimestampsScenario } from './scenarios/eventTimestamps.ts';
import { handlerTimeoutScenario } from './scenarios/handlerTimeout.ts';
import { poisonMessagesScenario } from './scenarios/poisonMessages.ts';
import { processKillScenario } from './scenarios/processKill.ts';
import { CI_SIZE } from './scenarios/ScenarioSize.ts';
import { snsSqsRestartScenario } from './scenarios/snsSqsRestart.ts';
import { firehoseOutageScenario, timestreamOutageScenario } from './scenarios/timestreamOutage.ts';
import { invariantViolations } from './support/ScenarioResult.ts';

/**
 * The fault-injection suite at CI size (issue 8). Each scenario starts its own local cell on a
 * fresh data directory, so they run concurrently: most of a scenario is waiting for visibility
 * timeouts and redeliveries, not CPU. `npm run reliability` runs the same scenarios at full size.
 */
describe.concurrent('fault injection (CI size)', { timeout: 180_000 }, () => {
  it('consumer crashes mid-batch: every accepted event recorded once although whole batches come again', async () => {
    // Act
    const result = await consumerCrashScenario(CI_SIZE);

    // Assess
    expect(invariantViolations(result), JSON.stringify(result, null, 2)).toEqual([]);
    expect(result.affected).toBeGreaterThan(0);
    expect(result.accepted).toBe(result.sent);
    expect(result.recorded).toBe(result.accepted);
  });

  it('handler timeout: every accepted event recorded once after the visibility timeout hands the batch out again', async () => {
    // Act
    const result = await handlerTimeoutScenario(CI_SIZE);

    // Assess
    expect(invariantViolations(result), JSON.stringify(result, null, 2)).toEqual([]);
    expect(result.affected).toBeGreaterThan(0);
    expect(result.recorded).toBe(result.accepted);
    // One lost receive per message is far from maxReceiveCount: no DLQ involved.
    expect(result.recordedWithoutRedrive).toBe(result.accepted);
  });

  it.each(ANALYTICS_STORES)(
    'SIGKILL of the cell process during load, restart on the same data directory: nothing accepted is lost (%s store)',
    async (store) => {
      // Act
      const result = await processKillScenario(CI_SIZE, store);

      // Assess
      expect(invariantViolations(result), JSON.stringify(result, null, 2)).toEqual([]);
      expect(result.facts.kills).toBe(CI_SIZE.kills);
      // The clients kept retrying through the restarts until every event was accepted.
      expect(result.accepted).toBe(result.sent);
      expect(result.recorded).toBe(result.accepted);
      expect(result.duplicated).toBe(0);
    },
  );

  it('SNS/SQS emulator restart: every accepted event recorded once after it is back', async () => {
    // Act
    const result = await snsSqsRestartScenario(CI_SIZE);

    // Assess
    expect(invariantViolations(result), JSON.stringify(result, null, 2)).toEqual([]);
    expect(result.facts.outageMs).toBeGreaterThanOrEqual(CI_SIZE.snsSqsDowntimeMs);
    expect(result.accepted).toBe(result.sent);
    expect(result.recorded).toBe(result.accepted);
  });

  it('Timestream unavailable, then throttling: nothing written meanwhile, every accepted event once it is back', async () => {
    // Act
    const result = await timestreamOutageScenario(CI_SIZE);

    // Assess
    expect(invariantViolations(result), JSON.stringify(result, null, 2)).toEqual([]);
    expect(result.facts.writtenDuringFault).toBe(0);
    expect(result.affected).toBeGreaterThan(0);
    expect(result.recorded).toBe(result.accepted);
  });

  it('lakehouse: Firehose throttling, then failing every third record: nothing written meanwhile, every accepted event once', async () => {
    // Act
    const result = await firehoseOutageScenario(CI_SIZE);

    // Assess: throttled calls were retried and partially failed records resent until accepted,
    // without one record lost or written twice.
    expect(invariantViolations(result), JSON.stringify(result, null, 2)).toEqual([]);
    expect(result.facts.writtenDuringFault).toBe(0);
    expect(result.affected).toBeGreaterThan(0);
    expect(result.recorded).toBe(result.accepted);
    expect(result.duplicated).toBe(0);
  });

  it.each(ANALYTICS_STORES)(
    'duplicated deliveries and client retries of the same eventIds: one record per event whatever arrived twice (%s store)',
    async (store) => {
      // Act
      const result = await duplicateDeliveriesScenario(CI_SIZE, store);

      // Assess
      expect(invariantViolations(result), JSON.stringify(result, null, 2)).toEqual([]);
      expect(result.facts.retriedAfter5xx).toBeGreaterThan(0);
      // The consumers really were handed copies (at least the FIFO ones) and kept one record each.
      expect(result.facts.consumerDeliveries).toBeGreaterThanOrEqual(result.accepted + result.facts.copies!);
      expect(result.recorded).toBe(result.accepted);
      expect(result.duplicated).toBe(0);
    },
  );

  it('poison messages in three stages at once: parked in DLQs, the rest flows, redrive recovers every one', async () => {
    // Act
    const result = await poisonMessagesScenario(CI_SIZE);

    // Assess
    expect(invariantViolations(result), JSON.stringify(result, null, 2)).toEqual([]);
    expect(result.affected).toBeGreaterThan(0);
    // Exactly the poison events waited in a DLQ; everything else was recorded without help.
    expect(result.recordedWithoutRedrive).toBe(result.accepted - result.affected);
    // Under load a neighbour can be redelivered into a DLQ after it was recorded; redrive absorbs it.
    expect(result.redriven).toBeGreaterThanOrEqual(result.affected);
    expect(result.recorded).toBe(result.accepted);
  });

  it('timestamps far past and at the +5 min edge: recorded; +5 min 30 s and beyond retention refused', async () => {
    // Act
    const result = await eventTimestampsScenario(CI_SIZE);
    const { facts } = result;

    // Assess
    expect(invariantViolations(result), JSON.stringify(result, null, 2)).toEqual([]);
    for (const kind of ['DAY', 'PAST', 'EDGE']) expect(facts[`${kind}.accepted`], kind).toBe(facts[`${kind}.sent`]);
    // Refused before the 202: beyond the future edge, and older than the table's magnetic retention
    // (Timestream would reject those records for good, so accepting them would strand them in a DLQ).
    for (const kind of ['OVER', 'ANCIENT']) {
      expect(facts[`${kind}.sent`], kind).toBeGreaterThan(0);
      expect(facts[`${kind}.accepted`], kind).toBe(0);
    }
    expect(result.notes.join('\n')).toMatch(/ANCIENT- event: 400$/m);
    expect(result.heldInDlq).toBe(0);
    expect(result.recorded).toBe(result.accepted);
  });
});
