import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { describe, expect, it } from 'vitest';
import { mapToRecord } from '../../handlers/consume/mapToRecord.ts';
import { LOCAL_CREDENTIALS } from '../../local/sns-sqs/awsClientDefaults.ts';
import { SCHEMA_VERSION } from '../../schemas/envelope.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import { inProcessProbe } from './support/CellProbe.ts';
import { RetryingClient, sendAll } from './support/RetryingClient.ts';
import { reliabilityCell, startReliabilityCell } from './support/reliabilityCell.ts';
import { invariantViolations } from './support/ScenarioResult.ts';
import { buildScenarioEvents, toScenarioRequests } from './support/scenarioEvents.ts';
import { seededRandom } from './support/seededRandom.ts';
import { verifyNothingLost } from './support/verifyNothingLost.ts';

/**
 * The check itself must be able to fail: here the cell is sabotaged — a DLQ with accepted events
 * is purged, an event is written twice under different times, a record appears that nobody sent —
 * and `verifyNothingLost` has to report each of them.
 */
describe('the no-loss invariant check', () => {
  it('reports lost, duplicated and unexpected events when the cell is sabotaged', { timeout: 120_000 }, async () => {
    // Prepare: GONE- events fail on their single receive and land in the consumer DLQ.
    const random = seededRandom(7);
    const definition = reliabilityCell({ visibilityTimeoutSeconds: 1, maxReceiveCount: 1 });
    const { cell, dispose } = await startReliabilityCell('sabotage', definition, [
      { handler: 'consume', stage: 'posting', invoiceIdPattern: '^GONE-' },
    ]);
    const probe = inProcessProbe(cell);
    try {
      const gone = buildScenarioEvents({ seed: 71, invoices: 3, prefix: 'GONE', random, stages: ['posting'] });
      const kept = buildScenarioEvents({ seed: 72, invoices: 6, prefix: 'KEPT', random, stages: ['ingestion'] });
      const client = new RetryingClient({ apiUrl: () => cell.apiUrl, apiKey: cell.apiKey, random });
      const outcomes = await sendAll(client, toScenarioRequests([...gone, ...kept], random), 4);
      const stranger = buildInvoiceEvent('ingestion', { invoiceId: 'STRANGER-1' });

      // Act
      const result = await verifyNothingLost({
        scenario: 'sabotage',
        fault: 'purged DLQ, doubled record, foreign record',
        probe,
        outcomes,
        affected: new Set(gone.map((e) => e.eventId)),
        startedAt: Date.now(),
        beforeRedrive: async () => {
          const posting = cell.resources.queues.find((q) => q.stage === 'posting' && q.role === 'consumer')!;
          await probe.sqs().send(new PurgeQueueCommand({ QueueUrl: posting.dlq.url }));
          cell.faults.setRules([]);
          await writeRecord(cell, {
            ...kept[0]!,
            occurredAt: new Date(Date.parse(kept[0]!.occurredAt) + 1).toISOString(),
          });
          await writeRecord(cell, stranger);
        },
      });

      // Assess
      expect(result.lost).toBe(gone.length);
      expect(result.duplicated).toBe(1);
      expect(result.unexpected).toBe(1);
      expect(invariantViolations(result)).toEqual(
        expect.arrayContaining([
          `${gone.length} accepted events lost`,
          '1 events recorded more than once',
          '1 records of events nobody sent',
        ]),
      );
    } finally {
      probe.close();
      await dispose();
    }
  });
});

type Cell = Awaited<ReturnType<typeof startReliabilityCell>>['cell'];

/** Writes a record straight into the cell's Timestream emulator, bypassing the pipeline. */
async function writeRecord(cell: Cell, event: InvoiceEvent): Promise<void> {
  const client = new TimestreamWriteClient({
    endpoint: cell.endpoints.timestream,
    region: cell.cell.region,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const server = {
      cell: cell.cell.id,
      region: cell.cell.region,
      receivedAt: new Date().toISOString(),
      schemaVersion: SCHEMA_VERSION,
    };
    const record = mapToRecord({
      detail: { ...event, server },
      consumer: 'recorder',
      replayed: false,
      processedAt: Date.now(),
    });
    await client.send(
      new WriteRecordsCommand({
        DatabaseName: cell.topology.timestreamDatabase,
        TableName: cell.topology.timestreamTable,
        Records: [record],
      }),
    );
  } finally {
    client.destroy();
  }
}
