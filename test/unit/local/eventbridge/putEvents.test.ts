import {
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  type EventBridgeClient,
  ListArchivesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  ResourceNotFoundException,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEventBridgeEmulator } from '../../../../local/eventbridge/index.ts';
import { BusEventSchema } from '../../../../schemas/envelope.ts';
import {
  ACCOUNT,
  ARCHIVE,
  BUS,
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

describe('EventBridge emulator: PutEvents and the bus over the wire', () => {
  let data: ReturnType<typeof tempDataDir>;
  let queues: FakeQueues;
  let emulator: RunningEventBridgeEmulator;
  let client: EventBridgeClient;

  beforeEach(async () => {
    data = tempDataDir();
    queues = new FakeQueues();
    emulator = await startTestEmulator(data.dir, queues);
    client = eventBridgeClient(emulator.endpoint);
  });

  afterEach(async () => {
    client.destroy();
    await emulator.stop();
    data.remove();
  });

  it('accepts a batch, returns one EventId per entry, archives it and delivers each event to its stage inbox', async () => {
    // Prepare
    const entries = [invoiceEntry('ingestion'), invoiceEntry('posting'), invoiceEntry('posting')];

    // Act
    const result = await client.send(new PutEventsCommand({ Entries: entries }));

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toHaveLength(3);
    const ids = result.Entries!.map((e) => e.EventId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(3);
    expect(emulator.archive.count()).toBe(3);
    expect(emulator.archive.count({ detailTypes: ['invoice.posting'] })).toBe(2);

    expect(await eventually(() => queues.total() === 3)).toBe(true);
    const posting = queues.bodies(queueUrlOf('posting'));
    expect(posting.map((b) => b.id).sort()).toEqual([ids[1], ids[2]].sort());
    expect(queues.bodies(queueUrlOf('ingestion')).map((b) => b.id)).toEqual([ids[0]]);
    expect(queues.bodies(queueUrlOf('reconciliation'))).toEqual([]);
    expect(emulator.outboxDepth()).toBe(0);
  });

  it('delivers the full EventBridge event, which the consumer contract (BusEventSchema) accepts', async () => {
    const entry = invoiceEntry('authorization');
    const { Entries } = await client.send(new PutEventsCommand({ Entries: [entry] }));
    expect(await eventually(() => queues.total() === 1)).toBe(true);

    const [body] = queues.bodies(queueUrlOf('authorization'));
    const parsed = BusEventSchema.parse(body);
    expect(parsed).toMatchObject({
      version: '0',
      id: Entries![0]!.EventId,
      'detail-type': 'invoice.authorization',
      source: 'bems.invoices',
      account: ACCOUNT,
      region: REGION,
      resources: [],
    });
    expect(parsed.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(parsed.detail).toEqual(JSON.parse(entry.Detail));
    expect(body).not.toHaveProperty('replay-name');
  });

  it('uses the entry Time when given', async () => {
    const time = new Date('2026-01-02T03:04:05.678Z');
    await client.send(new PutEventsCommand({ Entries: [invoiceEntry('posting', { time })] }));
    expect(await eventually(() => queues.total() === 1)).toBe(true);
    expect(queues.bodies(queueUrlOf('posting'))[0]!.time).toBe('2026-01-02T03:04:05Z');
  });

  it('rejects more than 10 entries with a ValidationException and accepts none of them', async () => {
    const entries = Array.from({ length: 11 }, () => invoiceEntry('ingestion'));

    const error = await client.send(new PutEventsCommand({ Entries: entries })).catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toMatch(/at 'entries' failed to satisfy constraint: .*less than or equal to 10/);
    expect(emulator.archive.count()).toBe(0);
    expect(emulator.outboxDepth()).toBe(0);
  });

  it('rejects an empty Entries list', async () => {
    const error = await client.send(new PutEventsCommand({ Entries: [] })).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ValidationException' });
  });

  it('rejects a request whose entries exceed 256 KB in total', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(100 * 1024) });
    const entries = Array.from({ length: 3 }, () => ({ ...invoiceEntry('ingestion'), Detail: big }));

    const error = await client.send(new PutEventsCommand({ Entries: entries })).catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toMatch(/Total size of the entries/);
    expect(emulator.archive.count()).toBe(0);
  });

  it('accepts entries of 256 KB in total exactly at the limit', async () => {
    const entry = invoiceEntry('ingestion');
    const base = Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType);
    const padding = 256 * 1024 - base - Buffer.byteLength('{"blob":""}');
    const result = await client.send(
      new PutEventsCommand({ Entries: [{ ...entry, Detail: JSON.stringify({ blob: 'y'.repeat(padding) }) }] }),
    );
    expect(result.FailedEntryCount).toBe(0);
  });

  it('fails bad entries one by one, like AWS, and accepts the rest', async () => {
    const good = invoiceEntry('posting');
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          good,
          { ...good, Detail: '{"unterminated": ' },
          { ...good, Detail: '[1, 2]' },
          { ...good, Source: undefined },
          { ...good, DetailType: undefined },
          { ...good, Detail: undefined },
          invoiceEntry('ingestion'),
        ],
      }),
    );

    expect(result.FailedEntryCount).toBe(5);
    const entries = result.Entries!;
    expect(entries[0]!.EventId).toBeDefined();
    expect(entries[1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(entries[2]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(entries[3]).toMatchObject({ ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringMatching(/Source/) });
    expect(entries[4]).toMatchObject({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: expect.stringMatching(/DetailType/),
    });
    expect(entries[5]).toMatchObject({ ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringMatching(/Detail /) });
    expect(entries[6]!.EventId).toBeDefined();
    expect(emulator.archive.count()).toBe(2);
    expect(await eventually(() => queues.total() === 2)).toBe(true);
  });

  it('rejects an unknown bus with ResourceNotFoundException, also when only one entry names it', async () => {
    const error = await client
      .send(
        new PutEventsCommand({
          Entries: [invoiceEntry('posting'), { ...invoiceEntry('posting'), EventBusName: 'nope' }],
        }),
      )
      .catch((e: Error) => e);

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toBe('Event bus nope does not exist.');
    expect(emulator.archive.count()).toBe(0);
  });

  it('accepts the bus by ARN, and an entry without a bus name on the default bus (no rules: delivered nowhere)', async () => {
    const arn = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}`;
    const ok = await client.send(
      new PutEventsCommand({ Entries: [{ ...invoiceEntry('posting'), EventBusName: arn }] }),
    );
    expect(ok.FailedEntryCount).toBe(0);
    const depth = emulator.outboxDepth();

    const onDefault = await client.send(
      new PutEventsCommand({ Entries: [{ ...invoiceEntry('posting'), EventBusName: undefined }] }),
    );
    expect(onDefault.FailedEntryCount).toBe(0);
    expect(onDefault.Entries?.[0]?.EventId).toBeDefined();
    expect(emulator.outboxDepth()).toBeLessThanOrEqual(depth);
  });

  it('describes the bus, its rules, targets and archive', async () => {
    const bus = await client.send(new DescribeEventBusCommand({ Name: BUS }));
    expect(bus).toMatchObject({ Name: BUS, Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}` });
    expect(bus.CreationTime).toBeInstanceOf(Date);

    const rules = await client.send(new ListRulesCommand({ EventBusName: BUS }));
    expect(rules.Rules!.map((r) => r.Name).sort()).toEqual(topology.stages.map((s) => s.ruleName).sort());

    const posting = topology.stages.find((s) => s.stage === 'posting')!;
    const rule = await client.send(new DescribeRuleCommand({ Name: posting.ruleName, EventBusName: BUS }));
    expect(JSON.parse(rule.EventPattern!)).toEqual(posting.eventPattern);
    expect(rule).toMatchObject({ State: 'ENABLED', EventBusName: BUS, CreatedBy: ACCOUNT });

    const targets = await client.send(new ListTargetsByRuleCommand({ Rule: posting.ruleName, EventBusName: BUS }));
    expect(targets.Targets).toEqual([{ Id: 'inbox', Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${posting.inbox.name}` }]);

    await client.send(new PutEventsCommand({ Entries: [invoiceEntry('posting')] }));
    const archive = await client.send(new DescribeArchiveCommand({ ArchiveName: ARCHIVE }));
    expect(archive).toMatchObject({ ArchiveName: ARCHIVE, EventSourceArn: bus.Arn, State: 'ENABLED', EventCount: 1 });
    expect(archive.RetentionDays).toBe(0);
    expect(archive.SizeBytes).toBeGreaterThan(100);
    const archives = await client.send(new ListArchivesCommand({}));
    expect(archives.Archives!.map((a) => a.ArchiveName)).toEqual([ARCHIVE]);
  });

  it('pages through ListRules with Limit and NextToken', async () => {
    const first = await client.send(new ListRulesCommand({ EventBusName: BUS, Limit: 3 }));
    expect(first.Rules).toHaveLength(3);
    const second = await client.send(new ListRulesCommand({ EventBusName: BUS, Limit: 3, NextToken: first.NextToken }));
    expect(second.Rules).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
  });

  it('answers unknown resources with ResourceNotFoundException', async () => {
    await expect(client.send(new DescribeRuleCommand({ Name: 'missing', EventBusName: BUS }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(client.send(new DescribeArchiveCommand({ ArchiveName: 'missing' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(client.send(new DescribeEventBusCommand({ Name: 'missing' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  // The sample event carries the fields AWS requires of it (id, account, source, time, region, detail-type).
  const sampleEvent = {
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    account: '000000000000',
    source: 'bems.invoices',
    time: '2026-11-28T09:30:01Z',
    region: 'eu-west-1',
    'detail-type': 'invoice.posting',
    detail: {},
  };

  it('tests an event pattern with the same matcher', async () => {
    const event = JSON.stringify(sampleEvent);
    const posting = topology.stages.find((s) => s.stage === 'posting')!;
    const hit = await client.send(
      new TestEventPatternCommand({ EventPattern: JSON.stringify(posting.eventPattern), Event: event }),
    );
    expect(hit.Result).toBe(true);
    await expect(
      client.send(new TestEventPatternCommand({ EventPattern: '{"source":"x"}', Event: event })),
    ).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
    await expect(
      client.send(new TestEventPatternCommand({ EventPattern: '{"$or":[{"source":["x"]}]}', Event: event })),
    ).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
  });

  it('refuses a TestEventPattern event that is not an object or lacks a mandatory field', async () => {
    const test = (event: string) =>
      client.send(new TestEventPatternCommand({ EventPattern: '{"source":["bems.invoices"]}', Event: event }));
    const invalid = { name: 'ValidationException', message: 'Parameter Event is not valid.' };
    await expect(test('[]')).rejects.toMatchObject(invalid);
    await expect(test('"text"')).rejects.toMatchObject(invalid);
    await expect(test('{"source":')).rejects.toMatchObject(invalid);
    for (const field of ['id', 'account', 'source', 'time', 'region', 'detail-type']) {
      const { [field as keyof typeof sampleEvent]: _omitted, ...rest } = sampleEvent;
      await expect(test(JSON.stringify(rest))).rejects.toMatchObject(invalid);
    }
    expect((await test(JSON.stringify({ ...sampleEvent, detail: { any: 1 } }))).Result).toBe(true);
  });

  it('speaks the JSON 1.1 protocol: unknown targets and bad JSON get typed errors', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(emulator.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
        body,
      });

    const unknown = await post({ 'x-amz-target': 'AWSEvents.CreateEventBus' }, '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });

    const badJson = await post({ 'x-amz-target': 'AWSEvents.PutEvents' }, '{"Entries": [');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ __type: 'SerializationException' });

    const missing = await post({}, '{}');
    expect(await missing.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('counts requests per action, failed ones included', async () => {
    await client.send(new PutEventsCommand({ Entries: [invoiceEntry('posting')] }));
    await client.send(new PutEventsCommand({ Entries: [invoiceEntry('posting'), invoiceEntry('ingestion')] }));
    await client.send(new PutEventsCommand({ Entries: [] })).catch(() => undefined);
    await client.send(new DescribeEventBusCommand({ Name: BUS }));

    expect(emulator.requestCounts()).toEqual({ DescribeEventBus: 1, PutEvents: 3 });
  });
});
