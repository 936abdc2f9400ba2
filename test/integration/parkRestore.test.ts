import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorTopologyOf } from '../../cells/monitorTopology.ts';
import {
  dlqRoutes,
  FileParkedStore,
  type ParkedStore,
  parkDlq,
  selectRoutes,
} from '../../handlers/shared/dlq/index.ts';
import type { RunningLocalCell } from '../../local/cell/index.ts';
import { PARKED_STORE_DIRECTORY } from '../../local/cell/monitor/index.ts';
import { LOCAL_CREDENTIALS } from '../../local/sns-sqs/index.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import {
  bems,
  dlqDepth,
  drainAlerts,
  fastPostingCell,
  postEvents,
  postingEvents,
  postingFault,
  recordedEventIds,
  startCell,
  tempDataDir,
  waitFor,
} from './stuckEventsSupport.ts';

/**
 * Issue 19, "Done when" 2, on the local cell: a poison message (the store is down, so every write
 * of it fails) reaches its DLQ; `dlq peek` says why; it is parked with a reason and its alert
 * closes; `parked show` prints the failure; once the store is back it is restored and redriven and
 * recorded exactly once. Then: a park that crashes between the copy and the DLQ delete loses and
 * doubles nothing, and a discard leaves an audit record.
 */
describe('parking a poison message on the local cell', () => {
  const data = tempDataDir('park');
  const [poison] = postingEvents('POISON-', 1);
  const [crashed] = postingEvents('CRASH-', 1);
  const [discarded] = postingEvents('DISCARD-', 1);
  let cell: RunningLocalCell;
  const env = { BEMS_OPERATOR: 'alice' };
  const cli = (args: string[]) => bems(data.dir, args, { env });
  /** An event the store refused on its one delivery, waiting in the posting DLQ; the store is back after. */
  const strandInDlq = async (event: InvoiceEvent) => {
    await cell.faults.setTimestreamFault({ mode: 'unavailable' });
    await postEvents(cell, 'posting', [event]);
    await waitFor('the event in the DLQ', async () => (await dlqDepth(cell, 'posting')) === 1);
    await cell.faults.setTimestreamFault(null);
  };

  beforeAll(async () => {
    cell = await startCell(data.dir, fastPostingCell());
  });
  afterAll(async () => {
    await cell?.stop();
    data.remove();
  }, 120_000);

  it('tells why a message is in the DLQ, parks it with a reason and closes its alert', async () => {
    // Prepare: the analytics store fails every write, so the event fails on each delivery.
    await cell.faults.setTimestreamFault({ mode: 'unavailable' });
    await postEvents(cell, 'posting', [poison!]);
    await waitFor('the poison event in the DLQ', async () => (await dlqDepth(cell, 'posting')) === 1);
    const fired = await cell.monitor.runOnce();

    // Act
    const peek = await cli(['dlq', 'peek', 'posting', '--consumer', 'recorder', '--json']);
    const parked = await cli([
      'dlq',
      'park',
      'posting',
      '--consumer',
      'recorder',
      '--invoice',
      poison!.invoiceId,
      '--reason',
      'Timestream is down; keep it aside',
    ]);
    const closed = await cell.monitor.runOnce();
    const alerts = await drainAlerts(cell);

    // Assess
    expect(fired.notifications).toEqual([expect.objectContaining({ transition: 'firing' })]);
    const shown = JSON.parse(peek.out).dlqs[0].shown;
    expect(shown).toHaveLength(1);
    expect(shown[0].failure).toMatchObject({
      eventId: poison!.eventId,
      route: 'posting/recorder',
      errorClass: 'DownstreamError',
      errorMessage: expect.stringMatching(/Timestream WriteRecords failed/),
      kind: 'transient',
      attempt: 1,
    });
    expect(parked.code, parked.err).toBe(0);
    expect(parked.out).toContain('1 parked');
    expect(await dlqDepth(cell, 'posting')).toBe(0);
    // Closed in the first run that finds the DLQ clear, saying it was parked (not after two runs).
    expect(closed.notifications).toEqual([expect.objectContaining({ transition: 'resolved', delivered: true })]);
    expect(alerts.at(-1)!.message).toMatch(/Closed: {4}1 message\(s\) parked by alice .*Timestream is down/);
  }, 120_000);

  it('shows the parked message with who, when, why and the failure reason', async () => {
    // Act
    const list = await cli(['parked', 'list', 'posting', '--json']);
    const show = await cli(['parked', 'show', '--invoice', poison!.invoiceId]);

    // Assess
    const [entry] = JSON.parse(list.out).parked;
    expect(entry).toMatchObject({
      stage: 'posting',
      consumer: 'recorder',
      invoiceId: poison!.invoiceId,
      eventId: poison!.eventId,
      parkedBy: 'alice',
      reason: 'Timestream is down; keep it aside',
      failure: { errorClass: 'DownstreamError' },
    });
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/failed: +DownstreamError \(transient, attempt 1/);
    expect(show.out).toMatch(/error: +Timestream WriteRecords failed/);
    expect(show.out).toContain('by alice');
  }, 60_000);

  it('restores it to its DLQ and a redrive records it exactly once once the fault is fixed', async () => {
    // Prepare
    await cell.faults.setTimestreamFault(null);

    // Act
    const restored = await cli(['parked', 'restore', '--invoice', poison!.invoiceId, '--reason', 'Timestream is back']);
    const depthAfterRestore = await dlqDepth(cell, 'posting');
    const peek = await cli(['dlq', 'peek', 'posting', '--consumer', 'recorder', '--json']);
    const redrive = await cli(['redrive', 'posting', '--consumer', 'recorder', '--invoice', poison!.invoiceId]);
    await waitFor('the poison event recorded', () => recordedEventIds(cell, 'posting').includes(poison!.eventId));
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Assess
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toContain('restored to bems-local-posting-recorder-dlq.fifo');
    expect(restored.out).toContain(`bems redrive posting --consumer recorder --invoice ${poison!.invoiceId}`);
    expect(depthAfterRestore).toBe(1);
    const [message] = JSON.parse(peek.out).dlqs[0].shown;
    // Same FIFO group, the first failure kept, the failure record still found.
    expect(message).toMatchObject({ invoiceId: poison!.invoiceId, groupId: poison!.invoiceId });
    expect(message.failure).toMatchObject({ errorClass: 'DownstreamError' });
    expect(redrive.code, redrive.out).toBe(0);
    expect(recordedEventIds(cell, 'posting').filter((id) => id === poison!.eventId)).toHaveLength(1);
    expect(JSON.parse((await cli(['parked', 'list', '--json'])).out).parked).toEqual([]);
  }, 120_000);

  it('a park that crashes between the copy and the DLQ delete neither loses nor doubles the message', async () => {
    // Prepare
    await strandInDlq(crashed!);
    const real = new FileParkedStore(join(data.dir, PARKED_STORE_DIRECTORY));
    // The process "dies" right after the copy is durable: the delete from the DLQ never happens.
    const crashing: ParkedStore = {
      location: real.location,
      put: async (message) => {
        await real.put(message);
        throw new Error('killed after the copy');
      },
      get: (id) => real.get(id),
      list: (prefix) => real.list(prefix),
      remove: (id) => real.remove(id),
      audit: (record) => real.audit(record),
      auditTrail: () => real.auditTrail(),
    };
    const [route] = selectRoutes(
      dlqRoutes(monitorTopologyOf(cell.topology, `${cell.endpoints.sqs}/${cell.cell.account}/`)),
      {
        stage: 'posting',
        consumer: 'recorder',
      },
    );
    const sqs = new SQSClient({
      endpoint: cell.endpoints.sqs,
      region: cell.cell.region,
      credentials: LOCAL_CREDENTIALS,
    });

    // Act
    const first = await parkDlq({
      sqs,
      route: route!,
      store: crashing,
      cellId: cell.cell.id,
      operator: 'alice',
      reason: 'first try',
      select: (m) => m.invoiceId === crashed!.invoiceId,
      holdSeconds: 1,
      waitTimeSeconds: 2,
    });
    sqs.destroy();
    const inDlqAfterCrash = await dlqDepth(cell, 'posting');
    const copiesAfterCrash = await real.list('posting/');
    const again = await cli([
      'dlq',
      'park',
      'posting',
      '--consumer',
      'recorder',
      '--invoice',
      crashed!.invoiceId,
      '--reason',
      'second try',
    ]);

    // Assess
    expect(first.parked).toEqual([]);
    expect(first.scan.failed).toHaveLength(1);
    expect(inDlqAfterCrash).toBe(1);
    expect(copiesAfterCrash.map((m) => m.invoiceId)).toEqual([crashed!.invoiceId]);
    expect(again.code, again.err).toBe(0);
    expect(await dlqDepth(cell, 'posting')).toBe(0);
    const copies = await real.list('posting/');
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ invoiceId: crashed!.invoiceId, reason: 'second try' });
  }, 120_000);

  it('discards only parked messages, asks first, and leaves an audit record', async () => {
    // Prepare
    await strandInDlq(discarded!);

    // Act
    const notParked = await cli(['dlq', 'discard', 'posting/recorder/not-a-parked-id', '--reason', 'x', '--yes']);
    await cli(['dlq', 'park', 'posting', '--consumer', 'recorder', '--all', '--reason', 'vendor unknown']);
    const declined = await bems(
      data.dir,
      ['dlq', 'discard', '--invoice', discarded!.invoiceId, '--reason', 'duplicate'],
      {
        env,
        confirm: async () => false,
      },
    );
    const confirmed = await cli([
      'dlq',
      'discard',
      '--invoice',
      discarded!.invoiceId,
      '--reason',
      'duplicate of a corrected event',
      '--yes',
    ]);
    const audit = JSON.parse((await cli(['parked', 'audit', '--json'])).out).audit;

    // Assess
    expect(notParked.code).toBe(2);
    expect(notParked.err).toContain('is not a parked message');
    expect(declined.code).toBe(5);
    expect(confirmed.code, confirmed.err).toBe(0);
    const remaining = JSON.parse((await cli(['parked', 'list', '--json'])).out).parked;
    expect(remaining.map((m: { invoiceId: string }) => m.invoiceId)).toEqual([crashed!.invoiceId]);
    expect(audit.map((r: { action: string }) => r.action)).toEqual(['park', 'restore', 'park', 'park', 'discard']);
    expect(audit.at(-1)).toMatchObject({
      action: 'discard',
      operator: 'alice',
      reason: 'duplicate of a corrected event',
      eventIds: [discarded!.eventId],
    });
  }, 120_000);

  it('says why a record failed when the local cell injected the fault (the handler never saw it)', async () => {
    // Prepare
    const [injected] = postingEvents('INJECTED-', 1);
    cell.faults.setRules([postingFault('INJECTED-')]);
    await postEvents(cell, 'posting', [injected!]);
    await waitFor('the event in the DLQ', async () => (await dlqDepth(cell, 'posting')) === 1);
    cell.faults.setRules([]);

    // Act
    const peek = await cli(['dlq', 'peek', 'posting', '--consumer', 'recorder', '--json']);

    // Assess
    const [message] = JSON.parse(peek.out).dlqs[0].shown;
    expect(message.failure).toMatchObject({
      eventId: injected!.eventId,
      errorClass: 'InjectedFault',
      errorMessage: expect.stringContaining('injected fault (error)'),
    });
  }, 120_000);
});
