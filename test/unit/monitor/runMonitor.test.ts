import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localCell } from '../../../cells/cells.config.ts';
import { monitorTopologyOf } from '../../../cells/monitorTopology.ts';
import { cellTopology } from '../../../cells/topology.ts';
import type { AlertPublisher } from '../../../handlers/monitor/AlertPublisher.ts';
import type { DependencyProbe } from '../../../handlers/monitor/DependencyProbe.ts';
import type { AlertTransition } from '../../../handlers/monitor/evaluateAlerts.ts';
import type { AlertMessage } from '../../../handlers/monitor/formatAlert.ts';
import {
  emptyMonitorState,
  type MonitorState,
  type MonitorStateStore,
} from '../../../handlers/monitor/MonitorState.ts';
import type { QueueStats, QueueStatsSource } from '../../../handlers/monitor/QueueStatsSource.ts';
import { type MonitorDependencies, runMonitor } from '../../../handlers/monitor/runMonitor.ts';
import type { StuckInvoiceSource } from '../../../handlers/monitor/StuckInvoiceSource.ts';
import { REDRIVE_ATTRIBUTES } from '../../../schemas/messageAttributes.ts';

const CELL = localCell();
const TOPOLOGY = monitorTopologyOf(cellTopology(CELL), 'http://sqs.local/000000000000/');
const DLQ = 'bems-local-posting-recorder-dlq.fifo';
const SOURCE = 'bems-local-posting-recorder.fifo';
const sqs = mockClient(SQSClient);

/** Every queue empty unless set. */
class FakeQueueStats implements QueueStatsSource {
  readonly depths = new Map<string, Partial<QueueStats>>();
  async queueStats(queues: readonly { name: string }[]) {
    return {
      stats: new Map(
        queues.map((q) => [
          q.name,
          { name: q.name, visible: 0, inFlight: 0, oldestAgeSeconds: null, ...this.depths.get(q.name) },
        ]),
      ),
      problems: [],
    };
  }
}

class MemoryStateStore implements MonitorStateStore {
  readonly location = 'memory';
  state: MonitorState = emptyMonitorState();
  async load() {
    return { state: structuredClone(this.state) };
  }
  async save(state: MonitorState) {
    this.state = structuredClone(state);
  }
}

class RecordingPublisher implements AlertPublisher {
  readonly published: { transition: AlertTransition; message: AlertMessage }[] = [];
  failNext = false;
  async publish(transition: AlertTransition, message: AlertMessage) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SNS unavailable');
    }
    this.published.push({ transition, message });
  }
}

function dlqMessage(i: number, redriveCount = 0): Message {
  return {
    MessageId: `m-${i}`,
    ReceiptHandle: `rh-${i}-${Math.random()}`,
    Body: JSON.stringify({ eventId: `e-${i}`, invoiceId: `INV-${i}` }),
    Attributes: { MessageGroupId: `INV-${i}`, ApproximateReceiveCount: '6' },
    MessageAttributes: redriveCount
      ? { [REDRIVE_ATTRIBUTES.count]: { DataType: 'Number', StringValue: String(redriveCount) } }
      : {},
  };
}

function setup(options: { automatic?: boolean; stuck?: StuckInvoiceSource; probe?: DependencyProbe } = {}) {
  const queueStats = new FakeQueueStats();
  const stateStore = new MemoryStateStore();
  const publisher = new RecordingPublisher();
  let now = 1_800_000_000_000;
  // The parsed cell's redrive settings with two overrides (a parsed definition is not input again:
  // every consumer carries its parsed defaults, e.g. a `fargate` block, which input may not give).
  const redrive = { ...CELL.redrive, automatic: options.automatic ?? false, budgetPerMessage: 2 };
  const deps: MonitorDependencies = {
    sqs: new SQSClient({}),
    queueStats,
    stateStore,
    publisher,
    waitTimeSeconds: 0,
    now: () => now,
    clock: {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    },
    ...(options.stuck ? { stuckInvoices: options.stuck } : {}),
    ...(options.probe ? { probe: options.probe } : {}),
  };
  const run = () => {
    now += 60_000;
    return runMonitor({ cellId: 'local', topology: TOPOLOGY, redrive }, deps);
  };
  return { queueStats, stateStore, publisher, run };
}

/** What the next DLQ receives hand out, each message once. */
let inDlq: Message[] = [];

beforeEach(() => {
  sqs.reset();
  inDlq = [];
  sqs.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages?: number }) => ({
    Messages: inDlq.splice(0, input.MaxNumberOfMessages ?? 1),
  }));
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [] });
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'x' })),
  }));
  sqs.on(DeleteMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id })),
  }));
});
afterEach(() => sqs.reset());

describe('stuck-event monitor run', () => {
  it('alerts once about a DLQ with sample invoices and the recovery command, then resolves when it is empty', async () => {
    // Prepare
    const { queueStats, publisher, run } = setup();
    queueStats.depths.set(DLQ, { visible: 300, oldestAgeSeconds: 40 });
    inDlq = [dlqMessage(1), dlqMessage(2)];

    // Act
    const first = await run();
    const second = await run();
    queueStats.depths.delete(DLQ);
    const clearOnce = await run();
    const third = await run();

    // Assess
    expect(first.notifications).toEqual([
      expect.objectContaining({ transition: 'firing', severity: 'warning', key: `dlq:${DLQ}`, delivered: true }),
    ]);
    const text = publisher.published[0]!.message.text;
    expect(text).toContain('300 messages in the DLQ of posting/recorder');
    expect(text).toContain('Invoices:  INV-1, INV-2');
    expect(text).toContain('Recover:   npx bems redrive posting --consumer recorder --cell local');
    expect(second.notifications).toEqual([]);
    expect(clearOnce.notifications).toEqual([]);
    expect(third.notifications).toEqual([expect.objectContaining({ transition: 'resolved', severity: 'warning' })]);
    expect(third.openAlerts).toEqual({});
    // Looking for samples gave the messages back.
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(1);
  });

  it('tries a notification again on the next run when it could not be published', async () => {
    const { queueStats, publisher, run } = setup();
    queueStats.depths.set(DLQ, { visible: 3, oldestAgeSeconds: 40 });
    publisher.failNext = true;

    const first = await run();
    const second = await run();

    expect(first.notifications).toEqual([
      expect.objectContaining({ delivered: false, error: 'Error: SNS unavailable' }),
    ]);
    expect(second.notifications).toEqual([expect.objectContaining({ transition: 'firing', delivered: true })]);
  });

  it('keeps an SLA alert open while the SLA query fails, and says the check failed', async () => {
    // Prepare
    let failing = false;
    const stuck: StuckInvoiceSource = {
      stuckInvoices: async (stages) => {
        if (failing) throw new Error('database is locked');
        return stages.map((s) => ({
          stage: s.stage,
          count: s.stage === 'posting' ? 2 : 0,
          oldestAgeSeconds: s.stage === 'posting' ? 1200 : null,
          sampleInvoiceIds: s.stage === 'posting' ? ['INV-8', 'INV-9'] : [],
        }));
      },
    };
    const { run } = setup({ stuck });

    // Act
    const first = await run();
    failing = true;
    const second = await run();

    // Assess
    expect(first.notifications).toEqual([expect.objectContaining({ transition: 'firing', key: 'sla:posting' })]);
    expect(second.notifications).toEqual([expect.objectContaining({ transition: 'firing', key: 'monitor:sla-query' })]);
    expect(second.openAlerts['sla:posting']).toBeDefined();
    expect(second.sla).toMatchObject({ available: false, reason: expect.stringMatching(/database is locked/) });
  });

  it('reports the SLA check as not available when there is no source, without alerting', async () => {
    const { run } = setup();
    const report = await run();
    expect(report.sla.available).toBe(false);
    expect(report.notifications).toEqual([]);
  });

  it('redrives automatically only from the second look at a stable DLQ, and escalates parked messages', async () => {
    // Prepare: one message with budget left, one with its budget (2) spent.
    const { queueStats, run } = setup({ automatic: true });
    queueStats.depths.set(DLQ, { visible: 2, oldestAgeSeconds: 30 });

    // Act
    const first = await run();
    inDlq = [dlqMessage(1, 1), dlqMessage(2, 2)];
    const second = await run();

    // Assess
    expect(first.redrive.routes).toEqual([
      expect.objectContaining({ action: 'held', reason: expect.stringMatching(/first look/) }),
    ]);
    expect(first.notifications.map((n) => n.key)).toEqual([`dlq:${DLQ}`]);
    expect(second.redrive.routes).toEqual([expect.objectContaining({ action: 'redriven', redriven: 1, parked: 1 })]);
    const entries = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.QueueUrl).toBe(
      `http://sqs.local/000000000000/${SOURCE}`,
    );
    expect(entries).toEqual([expect.objectContaining({ MessageDeduplicationId: 'e-1:r2' })]);
    expect(second.notifications).toEqual([
      expect.objectContaining({ transition: 'firing', severity: 'critical', key: `parked:${DLQ}` }),
    ]);
    expect(second.notifications[0]!.text).toContain('Invoices:  INV-2');
  });

  it('keeps a parked message counted while another reader holds it and the scan cannot see it', async () => {
    // Prepare
    const { queueStats, run } = setup({ automatic: true });
    queueStats.depths.set(DLQ, { visible: 1, oldestAgeSeconds: 30 });
    await run();
    inDlq = [dlqMessage(2, 2)];
    const parked = await run();

    // Act: the message is still in the DLQ, but in flight with someone else (a peek).
    inDlq = [];
    queueStats.depths.set(DLQ, { visible: 0, inFlight: 1, oldestAgeSeconds: 90 });
    const unseen = [await run(), await run()];

    // Assess
    expect(parked.notifications.map((n) => n.key)).toContain(`parked:${DLQ}`);
    for (const report of unseen) {
      expect(report.notifications).toEqual([]);
      expect(report.openAlerts[`parked:${DLQ}`]).toMatchObject({ count: 1 });
    }
  });

  it('does not redrive while new failures keep arriving', async () => {
    const { queueStats, run } = setup({ automatic: true });
    queueStats.depths.set(DLQ, { visible: 2 });
    await run();
    queueStats.depths.set(DLQ, { visible: 5 });

    const report = await run();

    expect(report.redrive.routes).toEqual([
      expect.objectContaining({ action: 'held', reason: expect.stringMatching(/3 new failure/) }),
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('holds back when the dependency probe fails', async () => {
    const { queueStats, run } = setup({
      automatic: true,
      probe: { probe: async () => ({ ok: false, detail: 'Timestream write probe failed (ThrottlingException)' }) },
    });
    queueStats.depths.set(DLQ, { visible: 2 });
    await run();

    const report = await run();

    expect(report.redrive.routes).toEqual([
      expect.objectContaining({ action: 'held', reason: expect.stringMatching(/probe failed/) }),
    ]);
    expect(report.conditions.find((c) => c.kind === 'dlq')?.detail).toMatch(/held back: Timestream write probe failed/);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
