import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirehoseEmulator } from '../../../../local/firehose/index.ts';
import { DATABASE, jsonLine, TABLE, UPSERT_STREAM, useEmulator } from './support.ts';

/** A write: which of a few (event_id, stage) keys it targets, and a value to tell writes apart. */
const write = fc.record({
  event: fc.constantFrom('e1', 'e2', 'e3'),
  stage: fc.constantFrom('a', 'b'),
  value: fc.integer(),
});

describe('Firehose emulator unique keys (property)', () => {
  const running = useEmulator();
  let emulator: RunningFirehoseEmulator;
  let client: FirehoseClient;
  beforeAll(() => {
    ({ emulator, client } = running());
  });

  it('leaves exactly one row per unique key, holding the last write, for any sequence of batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(write, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
        async (batches) => {
          emulator.store.wipe();
          const last = new Map<string, Record<string, unknown>>();
          for (const [b, batch] of batches.entries()) {
            const records = batch.map((w, i) => ({
              event_id: w.event,
              stage: w.stage,
              value: w.value,
              seq: `${b}.${i}`,
            }));
            const answer = await client.send(
              new PutRecordBatchCommand({ DeliveryStreamName: UPSERT_STREAM, Records: records.map(jsonLine) }),
            );
            expect(answer.FailedPutCount).toBe(0);
            for (const record of records) last.set(`${record.event_id}/${record.stage}`, record);
          }
          const rows = emulator.store.rows(DATABASE, TABLE);
          const byKey = new Map(rows.map((row) => [`${row.event_id}/${row.stage}`, row]));
          expect(rows).toHaveLength(last.size);
          expect(byKey).toEqual(last);
        },
      ),
      { numRuns: 60 },
    );
  });
});
