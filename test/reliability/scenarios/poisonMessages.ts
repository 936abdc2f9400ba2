import type { FaultRule } from '../../../local/cell/index.ts';
import { inProcessProbe } from '../support/CellProbe.ts';
import { RetryingClient, sendAll } from '../support/RetryingClient.ts';
import { reliabilityCell, startReliabilityCell } from '../support/reliabilityCell.ts';
import type { ScenarioResult } from '../support/ScenarioResult.ts';
import { buildScenarioEvents, eventIdsWhere, toScenarioRequests } from '../support/scenarioEvents.ts';
import { seededRandom } from '../support/seededRandom.ts';
import { verifyNothingLost } from '../support/verifyNothingLost.ts';
import { portion, type ScenarioSize } from './ScenarioSize.ts';

/**
 * Poison messages in several stages at once: `POISON-` invoices fail on every receive in the
 * reconciliation forwarder and in the authorization and posting consumers, until maxReceiveCount
 * moves them to the inbox DLQ or the consumer FIFO DLQs. Their neighbours in the same batches (a
 * partial batch failure) and the other stages carry on. Then the operator fixes the cause (the
 * rules are cleared) and redrives every DLQ.
 */
export async function poisonMessagesScenario(size: ScenarioSize): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const random = seededRandom(size.seed + 20);
  const faults: FaultRule[] = [
    { handler: 'forward', stage: 'reconciliation', invoiceIdPattern: '^POISON-' },
    { handler: 'consume', stage: 'authorization', invoiceIdPattern: '^POISON-' },
    { handler: 'consume', stage: 'posting', invoiceIdPattern: '^POISON-' },
  ];
  const { cell, dispose } = await startReliabilityCell('poison', reliabilityCell(), faults);
  const probe = inProcessProbe(cell);
  try {
    const events = [
      ...buildScenarioEvents({ seed: size.seed + 21, invoices: portion(size, 0.2), prefix: 'POISON', random }),
      ...buildScenarioEvents({ seed: size.seed + 22, invoices: portion(size, 0.8), prefix: 'OK', random }),
    ];
    const poisoned = new Set(['reconciliation', 'authorization', 'posting']);
    const client = new RetryingClient({ apiUrl: () => cell.apiUrl, apiKey: cell.apiKey, random });
    const outcomes = await sendAll(client, toScenarioRequests(events, random), size.concurrency);
    return await verifyNothingLost({
      scenario: 'poison messages in three stages',
      fault: 'POISON- invoices fail every receive: reconciliation forward, authorization and posting consume',
      probe,
      outcomes,
      affected: eventIdsWhere(events, (e) => e.invoiceId.startsWith('POISON-') && poisoned.has(e.stage)),
      beforeRedrive: () => cell.faults.setRules([]),
      startedAt,
    });
  } finally {
    probe.close();
    await dispose();
  }
}
