import {
  CancelReplayCommand,
  DescribeReplayCommand,
  type EventBridgeClient,
  ListReplaysCommand,
  PutEventsCommand,
  ResourceAlreadyExistsException,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { BusEventSchema } from '../../../../schemas/envelope.ts';
import type { Stage } from '../../../../schemas/stages.ts';
import {
  ACCOUNT,
  ARCHIVE,
  BUS,
  cellBuses,
  eventBridgeClient,
  eventually,
  FakeQueues,
  invoiceEntry,
  queueUrlOf,
  REGION,
  startTestEmulator,
  tempDataDir,
  topology,
} from './support.ts';

const T0 = Date.parse('2026-11-28T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const archiveArn = `arn:aws:events:${REGION}:${ACCOUNT}:archive/${ARCHIVE}`;
const busArn = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}`;
const ruleArn = (stage: Stage) =>
  `arn:aws:events:${REGION}:${ACCOUNT}:rule/${BUS}/${topology.stages.find((s) => s.stage === stage)!.ruleName}`;

async function put(client: EventBridgeClient, stage: Stage, time: Date, count = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const entries = Array.from({ length: Math.min(10, count - i) }, () => invoiceEntry(stage, { time }));
    const result = await client.send(new PutEventsCommand({ Entries: entries }));
    expect(result.FailedEntryCount).toBe(0);
    ids.push(...result.Entries!.map((e) => e.EventId!));
  }
  return ids;
}

describe('EventBridge emulator: archive and replay', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(queues: FakeQueues, dir?: string, overrides: Parameters<typeof startTestEmulator>[2] = {}) {
    let dataDir = dir;
    if (!dataDir) {
      const data = tempDataDir();
      cleanups.push(data.remove);
      dataDir = data.dir;
    }
    const emulator = await startTestEmulator(dataDir, queues, overrides);
    const client = eventBridgeClient(emulator.endpoint);
    cleanups.push(
      () => emulator.stop(),
      () => client.destroy(),
    );
    return { emulator, client, dataDir };
  }

  it('replays the events of a time window [from, to) with replay-name set, through the same rules', async () => {
    // Prepare
    const queues = new FakeQueues();
    const { emulator, client } = await start(queues);
    await put(client, 'ingestion', at(0), 3);
    const inWindow = await put(client, 'posting', at(10), 2);
    await put(client, 'posting', at(20), 1); // at the exclusive end of the window
    expect(await eventually(() => queues.total() === 6)).toBe(true);
    const originals = new Map(queues.bodies(queueUrlOf('posting')).map((b) => [b.id, b]));

    // Act
    const started = emulator.archive.startReplay({ name: 'window-1', from: at(5), to: at(20) });
    const finished = await emulator.archive.waitForReplay('window-1');

    // Assess
    expect(started.state).toBe('STARTING');
    expect(finished).toMatchObject({ state: 'COMPLETED', eventsReplayed: 2, deliveries: 2, archive: ARCHIVE });
    expect(finished.lastReplayedTime).toEqual(at(10));
    expect(finished.endTime).toBeInstanceOf(Date);
    const replayed = queues.bodies(queueUrlOf('posting')).filter((b) => 'replay-name' in b);
    expect(replayed.map((b) => b.id).sort()).toEqual([...inWindow].sort());
    for (const body of replayed) {
      const event = BusEventSchema.parse(body);
      expect(event['replay-name']).toBe('window-1');
      const { 'replay-name': _, ...rest } = body;
      expect(rest).toEqual(originals.get(body.id));
    }
    expect(queues.bodies(queueUrlOf('ingestion')).filter((b) => 'replay-name' in b)).toEqual([]);
    expect(queues.total()).toBe(8);
  });

  it('limits a replay to detail types', async () => {
    const queues = new FakeQueues();
    const { emulator, client } = await start(queues);
    await put(client, 'ingestion', at(1), 3);
    await put(client, 'posting', at(2), 2);
    expect(await eventually(() => queues.total() === 5)).toBe(true);

    emulator.archive.startReplay({
      name: 'ingestion-only',
      from: at(0),
      to: at(60),
      detailTypes: ['invoice.ingestion'],
    });
    const done = await emulator.archive.waitForReplay('ingestion-only');

    expect(done).toMatchObject({ state: 'COMPLETED', eventsReplayed: 3, detailTypes: ['invoice.ingestion'] });
    expect(queues.bodies(queueUrlOf('ingestion')).filter((b) => b['replay-name'] === 'ingestion-only')).toHaveLength(3);
    expect(queues.bodies(queueUrlOf('posting')).filter((b) => 'replay-name' in b)).toHaveLength(0);
    expect(emulator.archive.count({ from: at(0), to: at(2) })).toBe(3);
  });

  it('runs StartReplay, DescribeReplay, ListReplays and CancelReplay over the wire with AWS errors', async () => {
    const queues = new FakeQueues();
    const { client } = await start(queues);
    await put(client, 'posting', at(1), 2);
    await put(client, 'authorization', at(2), 1);

    const started = await client.send(
      new StartReplayCommand({
        ReplayName: 'wire-replay',
        EventSourceArn: archiveArn,
        EventStartTime: at(0),
        EventEndTime: at(30),
        Destination: { Arn: busArn, FilterArns: [ruleArn('posting')] },
      }),
    );
    expect(started).toMatchObject({ ReplayArn: `arn:aws:events:${REGION}:${ACCOUNT}:replay/wire-replay` });
    expect(started.State).toBe('STARTING');
    expect(started.ReplayStartTime).toBeInstanceOf(Date);

    let described = await client.send(new DescribeReplayCommand({ ReplayName: 'wire-replay' }));
    for (let i = 0; i < 200 && described.State !== 'COMPLETED'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      described = await client.send(new DescribeReplayCommand({ ReplayName: 'wire-replay' }));
    }
    expect(described).toMatchObject({
      ReplayName: 'wire-replay',
      State: 'COMPLETED',
      EventSourceArn: archiveArn,
      Destination: { Arn: busArn, FilterArns: [ruleArn('posting')] },
      EventStartTime: at(0),
      EventEndTime: at(30),
    });
    expect(described.ReplayEndTime).toBeInstanceOf(Date);
    // Only the posting rule was replayed to; the authorization event was not re-sent anywhere.
    expect(queues.bodies(queueUrlOf('posting')).filter((b) => b['replay-name'] === 'wire-replay')).toHaveLength(2);
    expect(queues.bodies(queueUrlOf('authorization')).filter((b) => 'replay-name' in b)).toHaveLength(0);

    const listed = await client.send(new ListReplaysCommand({ NamePrefix: 'wire' }));
    expect(listed.Replays!.map((r) => [r.ReplayName, r.State])).toEqual([['wire-replay', 'COMPLETED']]);

    const again = client.send(
      new StartReplayCommand({
        ReplayName: 'wire-replay',
        EventSourceArn: archiveArn,
        EventStartTime: at(0),
        EventEndTime: at(30),
        Destination: { Arn: busArn },
      }),
    );
    await expect(again).rejects.toBeInstanceOf(ResourceAlreadyExistsException);

    const backwards = client.send(
      new StartReplayCommand({
        ReplayName: 'backwards',
        EventSourceArn: archiveArn,
        EventStartTime: at(30),
        EventEndTime: at(0),
        Destination: { Arn: busArn },
      }),
    );
    await expect(backwards).rejects.toMatchObject({ name: 'ValidationException' });

    const otherBus = client.send(
      new StartReplayCommand({
        ReplayName: 'other-bus',
        EventSourceArn: archiveArn,
        EventStartTime: at(0),
        EventEndTime: at(30),
        Destination: { Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` },
      }),
    );
    await expect(otherBus).rejects.toMatchObject({ name: 'ValidationException' });

    await expect(client.send(new CancelReplayCommand({ ReplayName: 'wire-replay' }))).rejects.toMatchObject({
      name: 'IllegalStatusException',
    });
    await expect(client.send(new DescribeReplayCommand({ ReplayName: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('keeps the archive and replays across restarts, and resumes a replay exactly where it stopped', async () => {
    // Prepare: 300 events delivered live, then the targets go down while a replay is running.
    const queues = new FakeQueues();
    const first = await start(queues, undefined, { delivery: { replayHighWater: 100, drainTimeoutMs: 100 } });
    const ids = await put(first.client, 'reconciliation', at(3), 300);
    expect(await eventually(() => queues.total() === 300)).toBe(true);
    queues.failures = () => 'throw';
    first.emulator.archive.startReplay({ name: 'across-restart', from: at(0), to: at(10) });
    expect(await eventually(() => first.emulator.archive.describeReplay('across-restart').eventsReplayed > 0)).toBe(
      true,
    );
    const before = first.emulator.archive.describeReplay('across-restart');
    expect(before.state).toBe('RUNNING');
    expect(before.eventsReplayed).toBeLessThan(300);

    // Act
    await first.emulator.stop();
    queues.failures = () => [];
    const second = await start(queues, first.dataDir);

    // Assess
    expect(second.emulator.archive.count()).toBe(300);
    const done = await second.emulator.archive.waitForReplay('across-restart');
    expect(done).toMatchObject({ state: 'COMPLETED', eventsReplayed: 300, deliveries: 300 });
    const replayed = queues.bodies(queueUrlOf('reconciliation')).filter((b) => b['replay-name'] === 'across-restart');
    expect(replayed).toHaveLength(300);
    expect(new Set(replayed.map((b) => b.id))).toEqual(new Set(ids));
    expect(second.emulator.archive.listReplays().map((r) => r.name)).toEqual(['across-restart']);
  });

  it('purges archived events older than the retention at start, and keeps everything when retention is 0', async () => {
    const queues = new FakeQueues();
    const [bus] = cellBuses();
    const buses = [{ ...bus!, archiveRetentionDays: 1 }];
    const first = await start(queues, undefined, { buses });
    await put(first.client, 'posting', new Date(Date.now() - 3 * 24 * 3600_000), 2);
    await put(first.client, 'posting', new Date(), 1);
    expect(first.emulator.archive.count()).toBe(3);
    await first.emulator.stop();

    const second = await start(queues, first.dataDir, { buses });
    expect(second.emulator.archive.count()).toBe(1);
    await second.emulator.stop();

    const third = await start(queues, first.dataDir);
    await put(third.client, 'posting', new Date(Date.now() - 400 * 24 * 3600_000), 1);
    await third.emulator.stop();
    const fourth = await start(queues, first.dataDir);
    expect(fourth.emulator.archive.count()).toBe(2);
  });
});
