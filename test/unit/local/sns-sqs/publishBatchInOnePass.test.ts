import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBatchEntries, withPublishBatchInOnePass } from '../../../../local/sns-sqs/publishBatchInOnePass.ts';
import { REGION } from './support.ts';

/**
 * The one-pass PublishBatch must answer and fan out exactly as fauxqs' own: the same requests go to
 * a fauxqs with it and to a plain fauxqs, set up alike, and their answers and the messages each
 * enqueued are compared (message ids, request ids and times aside). The requests include what the
 * SDK never sends (gaps and disorder in the indexes, attributes without a data type, entries without
 * an id) because fauxqs' parser has an answer for those too.
 */

const ACCOUNT = '000000000000';
const TOPICS = { standard: 'orders', fifo: 'orders.fifo', dedup: 'orders-dedup.fifo' } as const;

async function setUp(server: FauxqsServer): Promise<void> {
  server.createQueue('orders-all', { region: REGION });
  server.createQueue('orders-filtered', { region: REGION });
  server.createQueue('orders-all.fifo', { region: REGION, attributes: { FifoQueue: 'true' } });
  server.createQueue('orders-dedup.fifo', { region: REGION, attributes: { FifoQueue: 'true' } });
  server.createTopic(TOPICS.standard, { region: REGION });
  server.createTopic(TOPICS.fifo, { region: REGION, attributes: { FifoTopic: 'true' } });
  server.createTopic(TOPICS.dedup, {
    region: REGION,
    attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' },
  });
  server.subscribe({ topic: TOPICS.standard, queue: 'orders-all', region: REGION });
  server.subscribe({
    topic: TOPICS.standard,
    queue: 'orders-filtered',
    region: REGION,
    attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ stage: ['posting'] }) },
  });
  server.subscribe({
    topic: TOPICS.fifo,
    queue: 'orders-all.fifo',
    region: REGION,
    attributes: { RawMessageDelivery: 'true' },
  });
  server.subscribe({ topic: TOPICS.dedup, queue: 'orders-dedup.fifo', region: REGION });
}

const topicArn = (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;

type Fields = ReadonlyArray<readonly [string, string]>;

/** A PublishBatch entry's form fields, as the SDK writes them (index from 1). */
function entry(index: number, fields: Record<string, string>, attributes: Fields = []): Fields {
  const prefix = `PublishBatchRequestEntries.member.${index}`;
  return [
    ...Object.entries(fields).map(([name, value]) => [`${prefix}.${name}`, value] as const),
    ...attributes.map(([name, value]) => [`${prefix}.MessageAttributes.entry.${name}`, value] as const),
  ];
}

const attribute = (index: number, name: string, value: string, type = 'String'): Fields => [
  [`${index}.Name`, name],
  [`${index}.Value.DataType`, type],
  [`${index}.Value.${type === 'Binary' ? 'BinaryValue' : 'StringValue'}`, value],
];

const REQUESTS: Record<string, { topic: string; fields: Fields }> = {
  'ten entries with attributes, filtered and raw': {
    topic: TOPICS.standard,
    fields: Array.from({ length: 10 }, (_, i) =>
      entry(i + 1, { Id: `e${i}`, Message: `message ${i} 🧾`, ...(i === 3 ? { Subject: 'hello' } : {}) }, [
        ...attribute(1, 'stage', i % 2 ? 'posting' : 'ingestion'),
        ...attribute(2, 'amount', String(i * 10), 'Number'),
        ...attribute(3, 'blob', 'AAEC', 'Binary'),
      ]),
    ).flat(),
  },
  'indexes out of order and with gaps; an attribute without a data type': {
    topic: TOPICS.standard,
    fields: [
      ...entry(7, { Id: 'seven', Message: 'late' }, [...attribute(4, 'stage', 'posting'), ['9.Name', 'orphan']]),
      ...entry(2, { Id: 'two', Message: 'early' }),
      ...entry(10, { Id: 'ten', Message: 'last' }, attribute(1, 'stage', 'posting')),
    ],
  },
  'unknown fields, a leading-zero index and an attribute with a value only': {
    topic: TOPICS.standard,
    fields: [
      ...entry(1, { Id: 'a', Message: 'm', Foo: 'bar' }, [
        ['1.Value.StringValue', 'lonely'],
        ...attribute(2, 'stage', 'posting'),
      ]),
      ...entry(1, { Id: 'b', Message: 'n' }).map(
        ([key, value]) => [key.replace('member.1.', 'member.01.'), value] as const,
      ),
    ],
  },
  'entries without an id or a message are dropped': {
    topic: TOPICS.standard,
    fields: [
      ...entry(1, { Message: 'no id' }),
      ...entry(2, { Id: 'no-message' }),
      ...entry(3, { Id: 'ok', Message: 'kept' }),
    ],
  },
  'FIFO: a missing group fails that entry only; dedup ids repeat': {
    topic: TOPICS.fifo,
    fields: [
      ...entry(1, { Id: 'a', Message: 'first', MessageGroupId: 'g1', MessageDeduplicationId: 'd1' }),
      ...entry(2, { Id: 'b', Message: 'no group', MessageDeduplicationId: 'd2' }),
      ...entry(3, { Id: 'c', Message: 'no dedup', MessageGroupId: 'g1' }),
      ...entry(4, { Id: 'd', Message: 'duplicate', MessageGroupId: 'g2', MessageDeduplicationId: 'd1' }),
    ],
  },
  'FIFO with content-based deduplication': {
    topic: TOPICS.dedup,
    fields: [
      ...entry(1, { Id: 'a', Message: 'same', MessageGroupId: 'g1' }),
      ...entry(2, { Id: 'b', Message: 'same', MessageGroupId: 'g2' }),
      ...entry(3, { Id: 'c', Message: 'other', MessageGroupId: 'g1' }),
    ],
  },
  'a message too long': {
    topic: TOPICS.standard,
    fields: [
      ...entry(1, { Id: 'big', Message: 'x'.repeat(262_140) }, attribute(1, 'stage', 'posting')),
      ...entry(2, { Id: 'small', Message: 'ok' }),
    ],
  },
  'no entries': { topic: TOPICS.standard, fields: [] },
  'eleven entries': {
    topic: TOPICS.standard,
    fields: Array.from({ length: 11 }, (_, i) => entry(i + 1, { Id: `e${i}`, Message: 'm' })).flat(),
  },
  'an invalid entry id': { topic: TOPICS.standard, fields: entry(1, { Id: 'not valid!', Message: 'm' }) },
  'repeated entry ids': {
    topic: TOPICS.standard,
    fields: [...entry(1, { Id: 'same', Message: 'm' }), ...entry(2, { Id: 'same', Message: 'n' })],
  },
  'an unknown topic': { topic: 'nowhere', fields: entry(1, { Id: 'a', Message: 'm' }) },
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;
const normalise = (text: string) => text.replace(UUID, '<uuid>').replace(ISO_TIME, '<time>');

async function publishBatch(server: FauxqsServer, topic: string, fields: Fields) {
  const body = new URLSearchParams([
    ['Action', 'PublishBatch'],
    ['TopicArn', topicArn(topic)],
    ...fields,
  ] as string[][]);
  const response = await fetch(`http://127.0.0.1:${server.port}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: response.status, body: normalise(await response.text()) };
}

/** Every queue's ready messages, without what differs between two runs (ids, times, md5 of a body holding ids). */
function enqueued(server: FauxqsServer) {
  return ['orders-all', 'orders-filtered', 'orders-all.fifo', 'orders-dedup.fifo'].map((name) =>
    server.inspectQueue(name)!.messages.ready.map((m) => ({
      body: normalise(m.body),
      attributes: m.messageAttributes,
      group: m.messageGroupId,
      dedup: m.messageDeduplicationId,
      sequence: m.sequenceNumber,
    })),
  );
}

describe('SNS PublishBatch parsed in one pass', () => {
  let onePass: FauxqsServer;
  let original: FauxqsServer;
  beforeAll(async () => {
    onePass = await withPublishBatchInOnePass(() => startFauxqs({ port: 0, logger: false, defaultRegion: REGION }));
    original = await startFauxqs({ port: 0, logger: false, defaultRegion: REGION });
    await setUp(onePass);
    await setUp(original);
  });
  afterAll(async () => {
    await onePass?.stop();
    await original?.stop();
  });

  for (const [name, { topic, fields }] of Object.entries(REQUESTS)) {
    it(`answers and fans out as fauxqs does: ${name}`, async () => {
      const ours = await publishBatch(onePass, topic, fields);
      const theirs = await publishBatch(original, topic, fields);
      expect(ours).toEqual(theirs);
      expect(enqueued(onePass)).toEqual(enqueued(original));
    });
  }

  it('has sent something through every path above (the comparison is not vacuous)', () => {
    const [all, filtered, fifo, dedup] = enqueued(onePass);
    expect(all!.length).toBeGreaterThan(10);
    expect(filtered!.length).toBeGreaterThan(3);
    expect(fifo!.length).toBe(1); // one sent; one without a group, one without a dedup id, one duplicate
    expect(dedup!.length).toBe(2);
  });

  it('reads entries and attributes in the order their indexes first appear', () => {
    const entries = parseBatchEntries(
      Object.fromEntries([
        ...entry(3, { Id: 'c', Message: 'm3' }, [...attribute(2, 'b', 'v2'), ...attribute(1, 'a', 'v1')]),
        ...entry(1, { Id: 'a', Message: 'm1' }),
      ]),
    );
    expect(entries.map((e) => e.id)).toEqual(['c', 'a']);
    expect(Object.keys(entries[0]!.messageAttributes)).toEqual(['b', 'a']);
  });
});
