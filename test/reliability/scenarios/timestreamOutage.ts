import { inProcessProbe } from '../support/CellProbe.ts';
import { readRecordedEvents } from '../support/cellRecords.ts';
import { RetryingClient, sendAll, sendPaced, sleep } from '../support/RetryingClient.ts';
import { reliabilityCell, startReliabilityCell } from '../support/reliabilityCell.ts';
import type { ScenarioResult } from '../support/ScenarioResult.ts';
import { buildScenarioEvents, eventIdsWhere, toScenarioRequests } from '../support/scenarioEvents.ts';
import { seededRandom } from '../support/seededRandom.ts';
import { verifyNothingLost } from '../support/verifyNothingLost.ts';
import { portion, type ScenarioSize } from './ScenarioSize.ts';

/**
 * The time-series store is unavailable (every WriteRecords answers 503), then throttles (429),
 * then recovers. Events keep arriving throughout (`DURING-`); after recovery a second wave
 * (`AFTER-`) must flow as if nothing had happened. The consumer retries in-call with backoff, fails
 * the items transiently, SQS redelivers; whatever exhausts maxReceiveCount meanwhile waits in the
 * consumer DLQs for the redrive.
 */
export async function timestreamOutageScenario(size: ScenarioSize): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const random = seededRandom(size.seed + 30);
  // Five receives a visibility timeout apart span the CI outage; the full-size one (30 s + 30 s)
  // outlasts them, so part of it is recovered by redrive, as on AWS after a long outage.
  const definition = reliabilityCell({ visibilityTimeoutSeconds: size.label === 'ci' ? 3 : 10, maxReceiveCount: 5 });
  const { cell, dispose } = await startReliabilityCell('timestream', definition);
  const probe = inProcessProbe(cell);
  try {
    const during = buildScenarioEvents({
      seed: size.seed + 31,
      invoices: portion(size, 0.6),
      prefix: 'DURING',
      random,
    });
    const after = buildScenarioEvents({ seed: size.seed + 32, invoices: portion(size, 0.4), prefix: 'AFTER', random });
    const client = new RetryingClient({ apiUrl: () => cell.apiUrl, apiKey: cell.apiKey, random });

    const faultMs = size.timestreamOutageMs + size.timestreamThrottleMs;
    await cell.faults.setTimestreamFault({ mode: 'unavailable' });
    let writtenDuringFault = -1;
    const schedule = (async () => {
      await sleep(size.timestreamOutageMs);
      await cell.faults.setTimestreamFault({ mode: 'throttle' });
      await sleep(size.timestreamThrottleMs);
      // Proof the fault bit: with every write refused, nothing can have been recorded until now.
      writtenDuringFault = readRecordedEvents(cell.dataDir).length;
      await cell.faults.setTimestreamFault(null);
    })();
    const duringOutcomes = await sendPaced(client, toScenarioRequests(during, random), faultMs * 0.9);
    await schedule;
    const afterOutcomes = await sendAll(client, toScenarioRequests(after, random), size.concurrency);

    return await verifyNothingLost({
      scenario: `Timestream unavailable ${size.timestreamOutageMs / 1000} s, then throttling ${size.timestreamThrottleMs / 1000} s`,
      fault: 'every Timestream WriteRecords answers 503, then 429, then recovers',
      probe,
      outcomes: [...duringOutcomes, ...afterOutcomes],
      affected: eventIdsWhere(during, () => true),
      startedAt,
      settleTimeoutMs: 120_000,
      facts: () => ({ writtenDuringFault }),
      notes: [
        `records written while the store was down or throttling: ${writtenDuringFault}`,
        `queues: visibility ${definition.stages.posting.consumers[0]!.queue.visibilityTimeoutSeconds} s × 5 receives`,
      ],
    });
  } finally {
    probe.close();
    await dispose();
  }
}
