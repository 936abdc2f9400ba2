import { QueryCommand, type QueryCommandInput, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvoiceEventsSqlSource } from '../../../handlers/monitor/InvoiceEventsSqlSource.ts';
import type { StageSla } from '../../../handlers/monitor/StuckInvoiceSource.ts';
import {
  stuckInvoicesQuery,
  TimestreamStuckInvoiceSource,
} from '../../../handlers/monitor/TimestreamStuckInvoiceSource.ts';
import { DownstreamError } from '../../../handlers/shared/errors.ts';
import { STAGES, STATUSES_BY_STAGE, type Stage } from '../../../schemas/stages.ts';
import { type SlaRecord, TimestreamTableOverSqlite } from '../../helpers/TimestreamTableOverSqlite.ts';

const DB = 'bems-euw1-a';
const TABLE = 'invoice_events';
const MINUTE = 60_000;
const NOW = Date.parse('2026-11-28T12:00:00Z');
const ALL_STAGES: StageSla[] = STAGES.map((stage) => ({
  stage,
  slaSeconds: stage === 'posting' ? 1800 : 900,
  primaryConsumer: 'recorder',
}));
const RUN = { nowMs: NOW, lookbackHours: 72, sampleSize: 5 };

const timestream = mockClient(TimestreamQueryClient);
const table = new TimestreamTableOverSqlite(DB, TABLE);

function source(options: { budgetMs?: number; now?: () => number } = {}) {
  return new TimestreamStuckInvoiceSource({
    client: new TimestreamQueryClient({ region: 'eu-west-1' }),
    database: DB,
    table: TABLE,
    ...options,
  });
}
const localSource = new InvoiceEventsSqlSource({ query: table.localQuery, database: DB, table: TABLE });

let eventCounter = 0;
function record(
  invoiceId: string,
  stage: Stage,
  status: string,
  minutesAgo: number,
  extra: Partial<SlaRecord> = {},
): SlaRecord {
  eventCounter += 1;
  return {
    invoiceId,
    stage,
    status,
    consumer: 'recorder',
    eventId: `e-${String(eventCounter).padStart(6, '0')}`,
    timeMs: NOW - minutesAgo * MINUTE,
    ...extra,
  };
}

beforeEach(() => {
  timestream.reset();
  timestream.on(QueryCommand).callsFake((input: QueryCommandInput) => table.query(input));
  table.clear();
  table.queryStrings.length = 0;
});
afterEach(() => timestream.reset());
afterAll(() => table.close());

describe('Timestream stuck-invoice source', () => {
  it('finds invoices whose latest event is older than the stage SLA and not final, longest-stuck first', async () => {
    // Prepare
    table.insert([
      record('INV-A', 'ingestion', 'captured', 20), // stuck in ingestion
      record('INV-B', 'ingestion', 'received', 20), // moved on a minute ago
      record('INV-B', 'reconciliation', 'matched', 1),
      record('INV-C', 'posting', 'posted', 120), // final
      record('INV-D', 'posting', 'failed', 40), // stuck in posting (SLA 30 min)
      record('INV-I', 'posting', 'failed', 20), // within the posting SLA
      record('INV-E', 'ingestion', 'captured', 5 * 24 * 60), // beyond the look-back
      record('INV-F', 'ingestion', 'captured', 20, { consumer: 'escalations' }), // not the first consumer
      record('INV-G', 'authorization', 'rejected', 60), // final
      record('INV-H', 'ingestion', 'received', 45), // stuck longer than INV-A
      record('INV-P', 'ingestion', 'captured', 50, { measureName: 'bems_monitor_probe' }), // not an invoice event
    ]);

    // Act
    const stuck = await source().stuckInvoices(ALL_STAGES, RUN);

    // Assess
    expect(stuck).toEqual([
      { stage: 'ingestion', count: 2, oldestAgeSeconds: 45 * 60, sampleInvoiceIds: ['INV-H', 'INV-A'] },
      { stage: 'reconciliation', count: 0, oldestAgeSeconds: null, sampleInvoiceIds: [] },
      { stage: 'authorization', count: 0, oldestAgeSeconds: null, sampleInvoiceIds: [] },
      { stage: 'posting', count: 1, oldestAgeSeconds: 40 * 60, sampleInvoiceIds: ['INV-D'] },
    ]);
  });

  it('queries the cell table with each stage SLA, first consumer and final statuses', () => {
    // Act
    const sql = stuckInvoicesQuery(
      [
        { stage: 'reconciliation', slaSeconds: 600, primaryConsumer: 'recorder' },
        { stage: 'posting', slaSeconds: 1800, primaryConsumer: 'ledger' },
      ],
      { database: DB, table: TABLE, fromMs: NOW - 72 * 3_600_000, nowMs: NOW, sampleSize: 3 },
    );

    // Assess
    expect(sql).toContain(`FROM "${DB}"."${TABLE}"`);
    expect(sql).toContain("measure_name = 'invoice_event'");
    expect(sql).toContain(`time >= from_milliseconds(${NOW - 72 * 3_600_000})`);
    expect(sql).toContain("(stage = 'reconciliation' AND consumer = 'recorder')");
    expect(sql).toContain("(stage = 'posting' AND consumer = 'ledger')");
    expect(sql).toContain(`(stage = 'reconciliation' AND time < from_milliseconds(${NOW - 600_000}))`);
    expect(sql).toContain(
      `(stage = 'posting' AND time < from_milliseconds(${NOW - 1_800_000}) AND (status IS NULL OR status NOT IN ('posted', 'reversed')))`,
    );
    expect(sql).toContain('WHERE k <= 3');
  });

  it('quotes names so that a value cannot change the statement', () => {
    const sql = stuckInvoicesQuery([{ stage: 'posting', slaSeconds: 60, primaryConsumer: "o'brien" }], {
      database: 'a"b',
      table: TABLE,
      fromMs: 0,
      nowMs: NOW,
      sampleSize: 5,
    });
    expect(sql).toContain(`FROM "a""b"."${TABLE}"`);
    expect(sql).toContain("consumer = 'o''brien'");
  });

  it('reads every page until there is no NextToken, sending the same query string each time', async () => {
    // Prepare: 7 invoices stuck in ingestion → an empty first page and 4 pages of 2 rows.
    table.insert(Array.from({ length: 7 }, (_, i) => record(`INV-${i}`, 'ingestion', 'captured', 100 - i)));

    // Act
    const [ingestion] = await source().stuckInvoices(ALL_STAGES, { ...RUN, sampleSize: 10 });

    // Assess
    const calls = timestream.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(5);
    expect(calls[0]!.NextToken).toBeUndefined();
    expect(calls.slice(1).every((c) => c.NextToken !== undefined)).toBe(true);
    expect(new Set(calls.map((c) => c.QueryString)).size).toBe(1);
    expect(ingestion).toEqual({
      stage: 'ingestion',
      count: 7,
      oldestAgeSeconds: 100 * 60,
      sampleInvoiceIds: ['INV-0', 'INV-1', 'INV-2', 'INV-3', 'INV-4', 'INV-5', 'INV-6'],
    });
  });

  it('limits the samples but not the count, also for a sample size of 0', async () => {
    table.insert([record('INV-A', 'ingestion', 'captured', 20), record('INV-H', 'ingestion', 'received', 45)]);

    const [one] = await source().stuckInvoices(ALL_STAGES, { ...RUN, sampleSize: 1 });
    const [none] = await source().stuckInvoices(ALL_STAGES, { ...RUN, sampleSize: 0 });

    expect(one).toMatchObject({ count: 2, oldestAgeSeconds: 45 * 60, sampleInvoiceIds: ['INV-H'] });
    expect(none).toMatchObject({ count: 2, oldestAgeSeconds: 45 * 60, sampleInvoiceIds: [] });
  });

  it('asks nothing when no stage is passed', async () => {
    expect(await source().stuckInvoices([], RUN)).toEqual([]);
    expect(timestream.commandCalls(QueryCommand)).toHaveLength(0);
  });

  describe('errors are reported, never turned into "nothing stuck"', () => {
    it('rejects with a permanent DownstreamError when access is denied', async () => {
      timestream.on(QueryCommand).rejects(
        Object.assign(new Error('not authorized to perform: timestream:Select'), {
          name: 'AccessDeniedException',
          $metadata: { httpStatusCode: 403 },
        }),
      );

      const failure = source().stuckInvoices(ALL_STAGES, RUN);

      await expect(failure).rejects.toBeInstanceOf(DownstreamError);
      await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'AccessDeniedException' });
      await expect(failure).rejects.toThrow(/Timestream Query failed \(AccessDeniedException.*timestream:Select/);
    });

    it('rejects, without a partial answer, when a later page fails', async () => {
      table.insert(Array.from({ length: 5 }, (_, i) => record(`INV-${i}`, 'ingestion', 'captured', 100 - i)));
      let calls = 0;
      timestream.on(QueryCommand).callsFake((input: QueryCommandInput) => {
        calls += 1;
        if (calls === 3) {
          throw Object.assign(new Error('Rate exceeded'), {
            name: 'ThrottlingException',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return table.query(input);
      });

      await expect(source().stuckInvoices(ALL_STAGES, RUN)).rejects.toMatchObject({
        kind: 'transient',
        code: 'ThrottlingException',
      });
    });

    it('rejects an answer without the expected columns', async () => {
      timestream.on(QueryCommand).resolves({
        QueryId: 'q',
        ColumnInfo: [{ Name: 'stage', Type: { ScalarType: 'VARCHAR' } }],
        Rows: [{ Data: [{ ScalarValue: 'ingestion' }] }],
      });

      await expect(source().stuckInvoices(ALL_STAGES, RUN)).rejects.toThrow(/UnexpectedResult.*no value for/);
    });

    it('gives up once the time budget is spent, saying how far it got', async () => {
      table.insert([record('INV-A', 'ingestion', 'captured', 20)]);
      let clock = 0;
      const tick = () => {
        clock += 700;
        return clock;
      };

      await expect(source({ budgetMs: 1_000, now: tick }).stuckInvoices(ALL_STAGES, RUN)).rejects.toThrow(
        /BudgetExceeded.*after 1 page\(s\) within 1000 ms/,
      );
    });
  });

  it('agrees with the local SQL source on any set of records', async () => {
    const consumers = ['recorder', 'escalations'] as const;
    const event = fc.record({
      invoice: fc.integer({ min: 0, max: 5 }),
      stage: fc.constantFrom(...STAGES),
      statusIndex: fc.nat(),
      minutesAgo: fc.constantFrom(0, 5, 14, 16, 29, 31, 60, 24 * 60, 80 * 60),
      recordedBy: fc.subarray([...consumers], { minLength: 1 }),
    });
    const stages = fc.subarray([...STAGES], { minLength: 1 }).chain((names) =>
      fc.tuple(
        ...names.map((stage) =>
          fc.record({
            stage: fc.constant(stage),
            slaSeconds: fc.constantFrom(60, 900, 1800),
            primaryConsumer: fc.constantFrom(...consumers),
          }),
        ),
      ),
    );

    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { maxLength: 25 }),
        stages,
        fc.integer({ min: 0, max: 3 }),
        async (events, slas, sampleSize) => {
          table.clear();
          table.insert(
            events.flatMap((e, i) => {
              const statuses = STATUSES_BY_STAGE[e.stage];
              // One event, recorded once per consumer that got it: same eventId, same time.
              return e.recordedBy.map((consumer) => ({
                invoiceId: `INV-${e.invoice}`,
                stage: e.stage,
                consumer,
                eventId: `e-${String(i).padStart(3, '0')}`,
                status: statuses[e.statusIndex % statuses.length]!,
                timeMs: NOW - e.minutesAgo * MINUTE,
              }));
            }),
          );
          const run = { ...RUN, sampleSize };

          const expected = await localSource.stuckInvoices(slas, run);
          const actual = await source().stuckInvoices(slas, run);

          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
