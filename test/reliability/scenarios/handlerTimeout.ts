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
 * A handler times out: the invocation hangs until the queue's visibility timeout has passed and
 * the whole batch fails, so SQS hands the batch out again once the timeout expires. Forward and
 * consume both hang on the first receive of a `SLOW-` invoice's message.
 */
export async function handlerTimeoutScenario(size: ScenarioSize): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const random = seededRandom(size.seed + 10);
  const faults: FaultRule[] = [
    { handler: 'forward', invoiceIdPattern: '^SLOW-', mode: 'timeout', failReceives: 1 },
    { handler: 'consume', invoiceIdPattern: '^SLOW-', mode: 'timeout', failReceives: 1 },
  ];
  const { cell, dispose } = await startReliabilityCell('timeout', reliabilityCell(), faults);
  const probe = inProcessProbe(cell);
  try {
    const events = [
      ...buildScenarioEvents({ seed: size.seed + 11, invoices: portion(size, 0.2), prefix: 'SLOW', random }),
      ...buildScenarioEvents({ seed: size.seed + 12, invoices: portion(size, 0.8), prefix: 'OK', random }),
    ];
    const client = new RetryingClient({ apiUrl: () => cell.apiUrl, apiKey: cell.apiKey, random });
    const outcomes = await sendAll(client, toScenarioRequests(events, random), size.concurrency);
    return await verifyNothingLost({
      scenario: 'handler timeout',
      fault: 'forward and consume hang past the visibility timeout (first receive of SLOW- invoices)',
      probe,
      outcomes,
      affected: eventIdsWhere(events, (e) => e.invoiceId.startsWith('SLOW-')),
      startedAt,
    });
  } finally {
    probe.close();
    await dispose();
  }
}
