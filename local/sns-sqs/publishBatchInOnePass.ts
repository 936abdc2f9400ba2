import { randomUUID } from 'node:crypto';
import type { FauxqsServer } from 'fauxqs';

/**
 * fauxqs 2.4.1's SNS PublishBatch, with its form parameters read in one pass.
 *
 * fauxqs' own `parseBatchEntries` (private to `sns/actions/publish.js`) scans every form field of
 * the request once per entry to find that entry's message attributes: a batch of 10 entries with 8
 * attributes each is ~3,000 `startsWith` calls and as many regular expressions, 6 % of the emulator
 * thread under load (docs/PERFORMANCE.md). Here the fields are grouped by entry in one scan; every
 * other step — validation, its order and its AWS error codes, the size check, FIFO group and
 * deduplication rules, the fan-out (fauxqs' exported `fanOutToSubscriptions`), the XML answer — is
 * fauxqs' code, kept in the same order. `test/unit/local/sns-sqs/publishBatchInOnePass.test.ts`
 * runs both implementations on the same requests and compares answers and enqueued messages.
 *
 * Installed like extendSqsRouter's actions: fauxqs exposes neither its SNS router nor its actions,
 * so the router's `register` is wrapped while `startFauxqs` runs and this function is registered
 * in place of fauxqs' `PublishBatch`.
 */

type Params = Readonly<Record<string, string | undefined>>;

interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

interface BatchEntry {
  readonly id: string;
  readonly message: string;
  readonly subject: string | undefined;
  readonly messageGroupId: string | undefined;
  readonly messageDeduplicationId: string | undefined;
  readonly messageAttributes: Record<string, MessageAttribute>;
}

interface FauxqsTopic {
  readonly name: string;
  readonly attributes: Record<string, string | undefined>;
}

interface FauxqsSnsStore {
  getTopic(arn: string): FauxqsTopic | undefined;
  readonly spy?: { addMessage(message: Record<string, unknown>): void };
}

type SnsAction = (params: Params, snsStore: FauxqsSnsStore, sqsStore: unknown, request?: unknown) => unknown;

/** fauxqs' modules this relies on (loaded from fauxqs' own files, so `instanceof SnsError` holds in its router). */
interface FauxqsSnsModules {
  readonly SnsError: new (code: string, message: string, statusCode?: number) => Error;
  readonly snsSuccessResponse: (action: string, xml: string) => string;
  readonly fanOutToSubscriptions: (params: Record<string, unknown>) => void;
  readonly contentBasedDeduplicationId: (body: string) => string;
  readonly maxMessageBytes: number;
  readonly SnsRouter: { readonly prototype: { register(action: string, handler: SnsAction): void } };
  /** fauxqs' own PublishBatch, for the equivalence test. */
  readonly publishBatch: SnsAction;
}

const ENTRY_PREFIX = 'PublishBatchRequestEntries.member.';
const ATTRIBUTE_PREFIX = 'MessageAttributes.entry.';
const VALID_BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_ENTRIES = 10;

let modules: Promise<FauxqsSnsModules> | undefined;

export function loadFauxqsSnsModules(): Promise<FauxqsSnsModules> {
  modules ??= (async () => {
    const load = async (path: string) =>
      (await import(new URL(path, import.meta.resolve('fauxqs')).href)) as Record<string, unknown>;
    const [errors, xml, publish, sqsStore, types, router] = await Promise.all([
      load('common/errors.js'),
      load('common/xml.js'),
      load('sns/actions/publish.js'),
      load('sqs/sqsStore.js'),
      load('common/types.js'),
      load('sns/snsRouter.js'),
    ]);
    const SqsStore = sqsStore.SqsStore as { contentBasedDeduplicationId?: unknown } | undefined;
    const found = {
      SnsError: errors.SnsError,
      snsSuccessResponse: xml.snsSuccessResponse,
      fanOutToSubscriptions: publish.fanOutToSubscriptions,
      contentBasedDeduplicationId: SqsStore?.contentBasedDeduplicationId,
      maxMessageBytes: types.SNS_MAX_MESSAGE_SIZE_BYTES,
      SnsRouter: router.SnsRouter,
      publishBatch: publish.publishBatch,
    };
    const missing = Object.entries(found)
      .filter(([name, value]) => (name === 'maxMessageBytes' ? typeof value !== 'number' : typeof value !== 'function'))
      .map(([name]) => name);
    if (missing.length > 0)
      throw new Error(`fauxqs changed: ${missing.join(', ')} not found; review local/sns-sqs/publishBatchInOnePass.ts`);
    return { ...found, contentBasedDeduplicationId: SqsStore!.contentBasedDeduplicationId } as FauxqsSnsModules;
  })();
  return modules;
}

/** An entry's fields as the scan meets them; what fauxqs reads of an entry and of each attribute. */
const ENTRY_FIELDS = new Set(['Id', 'Message', 'Subject', 'MessageGroupId', 'MessageDeduplicationId']);
const ATTRIBUTE_FIELDS = new Set(['Name', 'Value.DataType', 'Value.StringValue', 'Value.BinaryValue']);

interface EntryDraft {
  readonly fields: Map<string, string | undefined>;
  readonly attributes: Map<string, Map<string, string | undefined>>;
}

/**
 * The entries of a PublishBatch request, as fauxqs' `parseBatchEntries` reads them: in the order
 * their index first appears, attributes likewise, an attribute only with a name and a data type,
 * an entry only with an id and a message (fauxqs drops others without a word; so does this). One
 * scan of the fields files each value under its entry and attribute, instead of looking every
 * field up again by a key built for it.
 */
export function parseBatchEntries(params: Params): BatchEntry[] {
  const drafts = new Map<string, EntryDraft>();
  for (const key of Object.keys(params)) {
    if (!key.startsWith(ENTRY_PREFIX)) continue;
    const dot = key.indexOf('.', ENTRY_PREFIX.length);
    const index = key.slice(ENTRY_PREFIX.length, dot);
    if (dot < 0 || !/^\d+$/.test(index)) continue;
    const draft = drafts.get(index) ?? { fields: new Map(), attributes: new Map() };
    drafts.set(index, draft);
    const field = key.slice(dot + 1);
    if (ENTRY_FIELDS.has(field)) draft.fields.set(field, params[key]);
    if (!field.startsWith(ATTRIBUTE_PREFIX)) continue;
    const rest = field.slice(ATTRIBUTE_PREFIX.length);
    const attributeIndex = /^(\d+)\./.exec(rest);
    if (!attributeIndex) continue;
    const attribute = draft.attributes.get(attributeIndex[1]!) ?? new Map<string, string | undefined>();
    draft.attributes.set(attributeIndex[1]!, attribute);
    const attributeField = rest.slice(attributeIndex[0].length);
    if (ATTRIBUTE_FIELDS.has(attributeField)) attribute.set(attributeField, params[key]);
  }
  const entries: BatchEntry[] = [];
  for (const { fields, attributes } of drafts.values()) {
    const messageAttributes: Record<string, MessageAttribute> = {};
    for (const attribute of attributes.values()) {
      const name = attribute.get('Name');
      const dataType = attribute.get('Value.DataType');
      if (!name || !dataType) continue;
      const value: MessageAttribute = { DataType: dataType };
      const stringValue = attribute.get('Value.StringValue');
      const binaryValue = attribute.get('Value.BinaryValue');
      if (stringValue !== undefined) value.StringValue = stringValue;
      if (binaryValue !== undefined) value.BinaryValue = binaryValue;
      messageAttributes[name] = value;
    }
    const id = fields.get('Id');
    const message = fields.get('Message');
    if (!id || !message) continue;
    entries.push({
      id,
      message,
      subject: fields.get('Subject'),
      messageGroupId: fields.get('MessageGroupId'),
      messageDeduplicationId: fields.get('MessageDeduplicationId'),
      messageAttributes,
    });
  }
  return entries;
}

function entrySize(entry: BatchEntry): number {
  let size = Buffer.byteLength(entry.message, 'utf8');
  for (const [name, attribute] of Object.entries(entry.messageAttributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(attribute.DataType, 'utf8');
    if (attribute.StringValue) size += Buffer.byteLength(attribute.StringValue, 'utf8');
    if (attribute.BinaryValue) size += Buffer.byteLength(attribute.BinaryValue, 'utf8');
  }
  return size;
}

const failed = (id: string, message: string) =>
  `<member><Id>${id}</Id><Code>InvalidParameter</Code><Message>${message}</Message><SenderFault>true</SenderFault></member>`;

/** fauxqs' PublishBatch with {@link parseBatchEntries}; every other line follows `sns/actions/publish.js`. */
export function publishBatchInOnePass(m: FauxqsSnsModules): SnsAction {
  return (params, snsStore, sqsStore) => {
    const topicArn = params.TopicArn;
    if (!topicArn) throw new m.SnsError('InvalidParameter', 'TopicArn is required');
    const topic = snsStore.getTopic(topicArn);
    if (!topic) throw new m.SnsError('NotFound', 'Topic does not exist', 404);
    const entries = parseBatchEntries(params);
    if (entries.length === 0)
      throw new m.SnsError('EmptyBatchRequest', "The batch request doesn't contain any entries.", 400);
    if (entries.length > MAX_ENTRIES)
      throw new m.SnsError(
        'TooManyEntriesInBatchRequest',
        'The batch request contains more entries than permissible.',
        400,
      );
    const seenIds = new Set<string>();
    for (const { id } of entries) {
      if (!VALID_BATCH_ENTRY_ID.test(id))
        throw new m.SnsError(
          'InvalidBatchEntryId',
          'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
          400,
        );
      if (seenIds.has(id))
        throw new m.SnsError(
          'BatchEntryIdsNotDistinct',
          'Two or more batch entries in the request have the same Id.',
          400,
        );
      seenIds.add(id);
    }
    const isFifoTopic = topic.attributes.FifoTopic === 'true';
    const successful: string[] = [];
    const failures: string[] = [];
    for (const entry of entries) {
      if (entrySize(entry) > m.maxMessageBytes) {
        failures.push(failed(entry.id, 'Message too long'));
        continue;
      }
      let messageGroupId: string | undefined;
      let messageDeduplicationId: string | undefined;
      if (isFifoTopic) {
        messageGroupId = entry.messageGroupId;
        if (!messageGroupId) {
          failures.push(failed(entry.id, 'The MessageGroupId parameter is required for FIFO topics.'));
          continue;
        }
        messageDeduplicationId = entry.messageDeduplicationId;
        if (!messageDeduplicationId) {
          if (topic.attributes.ContentBasedDeduplication !== 'true') {
            failures.push(
              failed(
                entry.id,
                'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly.',
              ),
            );
            continue;
          }
          messageDeduplicationId = m.contentBasedDeduplicationId(entry.message);
        }
      }
      const messageId = randomUUID();
      snsStore.spy?.addMessage({
        service: 'sns',
        topicArn,
        topicName: topic.name,
        messageId,
        body: entry.message,
        messageAttributes: entry.messageAttributes,
        status: 'published',
        timestamp: Date.now(),
      });
      m.fanOutToSubscriptions({
        topicArn,
        topic,
        messageId,
        message: entry.message,
        messageAttributes: entry.messageAttributes,
        subject: entry.subject,
        messageGroupId,
        messageDeduplicationId,
        snsStore,
        sqsStore,
      });
      successful.push(`<member><Id>${entry.id}</Id><MessageId>${messageId}</MessageId></member>`);
    }
    return m.snsSuccessResponse(
      'PublishBatch',
      `<Successful>${successful.join('')}</Successful><Failed>${failures.join('')}</Failed>`,
    );
  };
}

/** Runs `start` (which calls `startFauxqs`) with {@link publishBatchInOnePass} registered as SNS PublishBatch. */
export async function withPublishBatchInOnePass(start: () => Promise<FauxqsServer>): Promise<FauxqsServer> {
  const m = await loadFauxqsSnsModules();
  const { prototype } = m.SnsRouter;
  const register = prototype.register;
  let replaced = 0;
  const onePass = publishBatchInOnePass(m);
  prototype.register = function registerOnePass(this: unknown, action, handler) {
    if (action === 'PublishBatch' && handler === m.publishBatch) {
      replaced += 1;
      return register.call(this, action, onePass);
    }
    return register.call(this, action, handler);
  };
  let server: FauxqsServer;
  try {
    server = await start();
  } finally {
    prototype.register = register;
  }
  if (replaced !== 1) {
    await server.stop();
    throw new Error(
      `fauxqs changed: startFauxqs registered its PublishBatch ${replaced} times (expected once); review local/sns-sqs/publishBatchInOnePass.ts`,
    );
  }
  return server;
}
