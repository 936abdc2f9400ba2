import { inProcessProbe } from '../support/CellProbe.ts';
import { RetryingClient, sendAll, sendPaced, sleep } from '../support/RetryingClient.ts';
import { reliabilityCell, startReliabilityCell } from '../support/reliabilityCell.ts';
import type { ScenarioResult } from '../support/ScenarioResult.ts';
import { buildScenarioEvents, eventIdsWhere, toScenarioRequests } from '../support/scenarioEvents.ts';
import { seededRandom } from '../support/seededRandom.ts';
import { verifyNothingLost } from '../support/verifyNothingLost.ts';
import { portion, type ScenarioSize } from './ScenarioSize.ts';

/**
 * The SNS/SQS emulator restarts while events flow: it stops (every SQS and SNS call fails —
 * EventBridge deliveries, polls, publishes, deletes), stays down for a while, and comes back on
 * the same port with what it had persisted. Messages received before the stop may be delivered
 * again; deliveries and publishes that failed are retried by their callers.
 */
export async function snsSqsRestartScenario(size: ScenarioSize): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const random = seededRandom(size.seed + 60);
  const { cell, dispose } = await startReliabilityCell('snssqs', reliabilityCell());
  const probe = inProcessProbe(cell);
  try {
    const during = buildScenarioEvents({
      seed: size.seed + 61,
      invoices: portion(size, 0.7),
      prefix: 'DURING',
      random,
    });
    const after = buildScenarioEvents({ seed: size.seed + 62, invoices: portion(size, 0.3), prefix: 'AFTER', random });
    const client = new RetryingClient({ apiUrl: () => cell.apiUrl, apiKey: cell.apiKey, random });
    // Traffic before, during and after the outage: the restart starts a third of the way in.
    const spreadMs = size.snsSqsDowntimeMs * 3;
    const sending = sendPaced(client, toScenarioRequests(during, random), spreadMs);
    await sleep(spreadMs / 3);
    const restartedAt = Date.now();
    await cell.faults.restartSnsSqs({ downtimeMs: size.snsSqsDowntimeMs });
    const outageMs = Date.now() - restartedAt;
    const outcomes = [
      ...(await sending),
      ...(await sendAll(client, toScenarioRequests(after, random), size.concurrency)),
    ];
    return await verifyNothingLost({
      scenario: `SNS/SQS emulator restart (${(size.snsSqsDowntimeMs / 1000).toFixed(1)} s down)`,
      fault: 'fauxqs stopped and restarted on the same port and data directory while events flow',
      probe,
      outcomes,
      affected: eventIdsWhere(during, () => true),
      startedAt,
      facts: () => ({ outageMs }),
      notes: [`SNS/SQS unreachable for ${outageMs} ms`],
    });
  } finally {
    probe.close();
    await dispose();
  }
}
