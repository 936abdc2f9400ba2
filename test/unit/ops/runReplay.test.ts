import {
  CancelReplayCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayName, runReplay } from '../../../ops/replay/runReplay.ts';

const eventBridge = mockClient(EventBridgeClient);
const FROM = Date.parse('2026-11-28T08:00:00Z');
const TO = Date.parse('2026-11-28T10:00:00Z');

function request(extra: Partial<Parameters<typeof runReplay>[0]> = {}) {
  let now = TO;
  return {
    eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
    name: 'bems-posting-test',
    archiveArn: 'arn:aws:events:eu-west-1:111111111111:archive/bems-x-archive',
    busArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/bems-x-bus',
    fromMs: FROM,
    toMs: TO,
    pollMs: 1000,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    },
    ...extra,
  };
}

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(StartReplayCommand).resolves({ ReplayArn: 'arn:replay', State: 'STARTING' });
});
afterEach(() => eventBridge.reset());

describe('archive replay', () => {
  it('replays the window through one rule and follows it to the end', async () => {
    // Prepare
    eventBridge
      .on(DescribeReplayCommand)
      .resolvesOnce({ State: 'RUNNING', EventLastReplayedTime: new Date(FROM + 3_600_000) })
      .resolves({ State: 'COMPLETED', EventLastReplayedTime: new Date(TO - 1000) });
    const progress: number[] = [];

    // Act
    const outcome = await runReplay(
      request({ ruleArns: ['arn:rule/posting'], onProgress: (p) => progress.push(p.fraction) }),
    );

    // Assess
    expect(eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input).toEqual({
      ReplayName: 'bems-posting-test',
      EventSourceArn: 'arn:aws:events:eu-west-1:111111111111:archive/bems-x-archive',
      EventStartTime: new Date(FROM),
      EventEndTime: new Date(TO),
      Destination: {
        Arn: 'arn:aws:events:eu-west-1:111111111111:event-bus/bems-x-bus',
        FilterArns: ['arn:rule/posting'],
      },
    });
    expect(progress).toEqual([0.5, 1]);
    expect(outcome).toMatchObject({ state: 'COMPLETED', cancelled: false, timedOut: false });
  });

  it('cancels the replay when interrupted and reports it', async () => {
    const interrupt = new AbortController();
    eventBridge.on(DescribeReplayCommand).callsFake(() => {
      interrupt.abort();
      return { State: eventBridge.commandCalls(CancelReplayCommand).length ? 'CANCELLED' : 'RUNNING' };
    });

    const outcome = await runReplay(request({ signal: interrupt.signal }));

    expect(eventBridge.commandCalls(CancelReplayCommand)).toHaveLength(1);
    expect(outcome).toMatchObject({ state: 'CANCELLED', cancelled: true });
  });

  it('names replays so EventBridge accepts them', () => {
    const name = replayName('posting', Date.parse('2026-11-28T09:30:15.123Z'), () => 0.5);
    expect(name).toMatch(/^bems-posting-20261128T093015Z-[a-z0-9]{4}$/);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(replayName(undefined, 0)).toMatch(/^bems-all-/);
  });
});
