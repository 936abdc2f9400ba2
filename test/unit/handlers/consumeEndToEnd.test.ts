import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consumeConfigFromEnv, createConsumeHandler } from '../../../handlers/consume.ts';
import { END_TO_END_VISIBILITY, METRICS } from '../../../schemas/metrics.ts';
import { handlerTestEnv, instantRetryClock, metricsRecorder } from '../../helpers/handlerTestEnv.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';
import { buildEventDetail, buildSqsEvent, buildSqsRecord } from '../../helpers/sqsEvents.ts';

/**
 * The end-to-end latency metric (END_TO_END_VISIBILITY): from the API's receipt of an event
 * (`server.receivedAt`) to the moment the store accepted its record — the end of the WriteRecords
 * call that carried it — once per record written now, never for a replay, a duplicate or a failure.
 */
const timestream = mockClient(TimestreamWriteClient);
const RECEIVED = Date.parse('2026-11-28T10:00:00.000Z');
/** Each WriteRecords call takes this long on the test clock. */
const WRITE_MS = 250;

function setup() {
  let clock = RECEIVED + 30_000;
  const metrics = metricsRecorder();
  const handler = createConsumeHandler(
    consumeConfigFromEnv(
      handlerTestEnv({
        TIMESTREAM_DATABASE_NAME: 'db',
        TIMESTREAM_TABLE_NAME: 'invoice_events',
        CONSUMER_NAME: 'recorder',
      }),
    ),
    { now: () => clock, retryClock: instantRetryClock(), publishMetrics: metrics.publishMetrics },
  );
  timestream.on(WriteRecordsCommand).callsFake(() => {
    clock += WRITE_MS;
    return { RecordsIngested: { Total: 1, MemoryStore: 1, MagneticStore: 0 } };
  });
  const latencies = () =>
    metrics.points.filter((p) => p.name === METRICS.endToEndLatency.name).map((p) => [p.dimensions.stage, p.value]);
  return { handler, latencies };
}

function message(invoiceId: string, receivedOffsetMs: number, attributes = {}) {
  const detail = buildEventDetail(buildInvoiceEvent('posting', { invoiceId, status: 'posted' }), {
    receivedAt: new Date(RECEIVED + receivedOffsetMs).toISOString(),
  });
  return buildSqsRecord({ body: detail, messageGroupId: invoiceId, messageAttributes: attributes });
}

beforeEach(() => timestream.reset());
afterEach(() => timestream.reset());

describe('consume handler: end-to-end latency', () => {
  it('stops each record’s clock when the write call that carried it returned', async () => {
    // Prepare: INV-A has two events (two waves: two calls), INV-B one (first wave).
    const { handler, latencies } = setup();
    const batch = [message('INV-A', 0), message('INV-B', 5_000), message('INV-A', 1_000)];

    // Act
    await handler(buildSqsEvent(batch));

    // Assess: wave 1 accepted at +30.25 s, wave 2 at +30.5 s.
    expect(timestream.commandCalls(WriteRecordsCommand)).toHaveLength(2);
    expect(latencies()).toEqual([
      ['posting', 30_250],
      ['posting', 25_250],
      ['posting', 29_500],
    ]);
  });

  it('publishes it in the unit and dimensions of the contract', async () => {
    const metrics = metricsRecorder();
    const withRecorder = createConsumeHandler(
      consumeConfigFromEnv(
        handlerTestEnv({ TIMESTREAM_DATABASE_NAME: 'db', TIMESTREAM_TABLE_NAME: 't', CONSUMER_NAME: 'escalations' }),
      ),
      { now: () => RECEIVED + 1_000, publishMetrics: metrics.publishMetrics },
    );

    await withRecorder(buildSqsEvent([message('INV-C', 0)]));

    const [point] = metrics.points.filter((p) => p.name === END_TO_END_VISIBILITY.metric.name);
    expect(point).toEqual({
      name: 'EndToEndLatency',
      unit: 'Milliseconds',
      value: 1_000,
      dimensions: { stage: 'posting', consumer: 'escalations' },
    });
  });

  it('leaves out replayed events: they were visible once already', async () => {
    const { handler, latencies } = setup();

    await handler(buildSqsEvent([message('INV-D', 0, { replayName: 'rebuild-1' }), message('INV-E', 0)]));

    expect(latencies()).toEqual([['posting', 30_250]]);
  });

  it('publishes nothing for a record the store did not accept', async () => {
    const { handler, latencies } = setup();
    timestream.on(WriteRecordsCommand).rejects(
      Object.assign(new Error('One or more records have been rejected.'), {
        name: 'RejectedRecordsException',
        $fault: 'client',
        RejectedRecords: [{ RecordIndex: 0, Reason: 'already exists', ExistingVersion: 1 }],
      }),
    );

    await handler(buildSqsEvent([message('INV-F', 0)]));

    expect(latencies()).toEqual([]);
  });
});
