import {
  DescribeEventBusCommand,
  type EventBridgeClient,
  ListArchivesCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  PutEventsCommand,
  ResourceNotFoundException,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEventBridgeEmulator } from '../../../../local/eventbridge/index.ts';
import { caught } from '../../../helpers/caught.ts';
import {
  ACCOUNT,
  ARCHIVE,
  BUS,
  eventBridgeClient,
  FakeQueues,
  invoiceEntry,
  REGION,
  startTestEmulator,
  tempDataDir,
} from './support.ts';

const arn = (resource: string) => `arn:aws:events:${REGION}:${ACCOUNT}:${resource}`;

describe('EventBridge emulator: AWS behaviour over the real SDK', () => {
  const data = tempDataDir();
  const queues = new FakeQueues();
  let emulator: RunningEventBridgeEmulator;
  let client: EventBridgeClient;

  beforeAll(async () => {
    emulator = await startTestEmulator(data.dir, queues);
    client = eventBridgeClient(emulator.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await emulator.stop();
    data.remove();
  });

  describe('the default bus', () => {
    it('exists in every account: listed, described without a Name, with no rules', async () => {
      const { EventBuses } = await client.send(new ListEventBusesCommand({}));
      expect(EventBuses?.map((bus) => bus.Name).sort()).toEqual([BUS, 'default'].sort());

      const described = await client.send(new DescribeEventBusCommand({}));
      expect(described).toMatchObject({ Name: 'default', Arn: arn('event-bus/default') });

      const rules = await client.send(new ListRulesCommand({}));
      expect(rules.Rules).toEqual([]);
    });

    it('takes events without an EventBusName and delivers them nowhere', async () => {
      const before = queues.total();
      const { EventBusName: _cellBus, ...entry } = invoiceEntry('posting');
      const result = await client.send(new PutEventsCommand({ Entries: [entry] }));
      expect(result.FailedEntryCount).toBe(0);
      expect(result.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(queues.total()).toBe(before);
    });
  });

  describe('ListArchives', () => {
    it('filters by the source bus ARN', async () => {
      const { Archives } = await client.send(new ListArchivesCommand({ EventSourceArn: arn(`event-bus/${BUS}`) }));
      expect(Archives?.map((archive) => archive.ArchiveName)).toEqual([ARCHIVE]);
      const none = await client.send(new ListArchivesCommand({ EventSourceArn: arn('event-bus/default') }));
      expect(none.Archives).toEqual([]);
    });

    it('answers an unknown source bus with ResourceNotFoundException', async () => {
      const error = await caught(client.send(new ListArchivesCommand({ EventSourceArn: arn('event-bus/nope') })));
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error.message).toBe('Event bus nope does not exist.');
      expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
    });
  });

  describe('StartReplay errors, with AWS codes and parameter names', () => {
    const window = { EventStartTime: new Date('2026-01-01T00:00:00Z'), EventEndTime: new Date('2026-01-02T00:00:00Z') };
    const replay = (overrides: Record<string, unknown>) =>
      new StartReplayCommand({
        ReplayName: `r-${Math.random().toString(36).slice(2, 10)}`,
        EventSourceArn: arn(`archive/${ARCHIVE}`),
        Destination: { Arn: arn(`event-bus/${BUS}`) },
        ...window,
        ...overrides,
      });

    it('an unknown archive: ValidationException on EventSourceArn', async () => {
      const error = await caught(client.send(replay({ EventSourceArn: arn('archive/missing') })));
      expect(error.name).toBe('ValidationException'); // not modelled: the SDK's generic exception
      expect(error.message).toBe('Parameter EventSourceArn is not valid. Reason: Archive missing does not exist.');
    });

    it('an unknown destination bus: ResourceNotFoundException', async () => {
      const error = await caught(client.send(replay({ Destination: { Arn: arn('event-bus/elsewhere') } })));
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error.message).toBe('Event bus elsewhere does not exist.');
    });

    it('another existing bus: ValidationException on Destination.Arn', async () => {
      const error = await caught(client.send(replay({ Destination: { Arn: arn('event-bus/default') } })));
      expect(error.name).toBe('ValidationException'); // not modelled: the SDK's generic exception
      expect(error.message).toBe(
        'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
      );
    });

    it('EventEndTime before EventStartTime: ValidationException on EventEndTime, checked before the archive', async () => {
      const reversed = { EventStartTime: window.EventEndTime, EventEndTime: window.EventStartTime };
      const error = await caught(client.send(replay({ ...reversed, EventSourceArn: arn('archive/missing') })));
      expect(error.name).toBe('ValidationException'); // not modelled: the SDK's generic exception
      expect(error.message).toBe(
        'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
      );
    });
  });
});
