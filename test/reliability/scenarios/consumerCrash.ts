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
 * A consumer crashes mid-batch: the records before the crashing one are written, then the
 * function dies before it answers, so SQS delivers the whole batch again — the records already
 * written included. Both queue-fed functions crash (forward: already published to SNS; consume:
 * already written to Timestream), on their first two receives of a `CRASH-` invoice's message.
 */
export async function consumerCrashScenario(size: ScenarioSize): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const random = seededRandom(size.seed + 1);
  const faults: FaultRule[] = [
    { handler: 'forward', invoiceIdPattern: '^CRASH-', mode: 'crash', failReceives: 2 },
    { handler: 'consume', invoiceIdPattern: '^CRASH-', mode: 'crash', failReceives: 2 },
  ];
  const { cell, dispose } = await startReliabilityCell('crash', reliabilityCell(), faults);
  const probe = inProcessProbe(cell);
  try {
    const events = [
      ...buildScenarioEvents({ seed: size.seed + 1, invoices: portion(size, 0.25), prefix: 'CRASH', random }),
      ...buildScenarioEvents({ seed: size.seed + 2, invoices: portion(size, 0.75), prefix: 'OK', random }),
    ];
    const client = new RetryingClient({ apiUrl: () => cell.apiUrl, apiKey: cell.apiKey, random });
    const outcomes = await sendAll(client, toScenarioRequests(events, random), size.concurrency);
    return await verifyNothingLost({
      scenario: 'consumer crashes mid-batch',
      fault: 'forward and consume crash after processing part of a batch (first 2 receives of CRASH- invoices)',
      probe,
      outcomes,
      affected: eventIdsWhere(events, (e) => e.invoiceId.startsWith('CRASH-')),
      startedAt,
    });
  } finally {
    probe.close();
    await dispose();
  }
}
