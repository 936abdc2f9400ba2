/**
 * SQS's query protocol (API version 2012-11-05, `Action=ReceiveMessage&QueueUrl=…`) into the input
 * of the same operation in its JSON protocol, which fauxqs speaks. AWS still accepts the query
 * protocol and older SDKs and CLIs (Debian's packaged AWS CLI v2) only speak it.
 *
 * The query protocol flattens lists and maps into numbered keys, named after their members in the
 * service model: `AttributeName.1=All`, `Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=30`,
 * `SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue=x`. The tables below are
 * those names; everything else is a scalar member with the same name in both protocols.
 */

/** Flattened list member name → the JSON member it fills. */
const LISTS: Readonly<Record<string, string>> = {
  AttributeName: 'AttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  TagKey: 'TagKeys',
  AWSAccountId: 'AWSAccountIds',
  ActionName: 'Actions',
  StringListValue: 'StringListValues',
  BinaryListValue: 'BinaryListValues',
  SendMessageBatchRequestEntry: 'Entries',
  DeleteMessageBatchRequestEntry: 'Entries',
  ChangeMessageVisibilityBatchRequestEntry: 'Entries',
};

/** Flattened map member name → the JSON member it fills, and the names of its key and value. */
const MAPS: Readonly<Record<string, { readonly member: string; readonly key: string }>> = {
  Attribute: { member: 'Attributes', key: 'Name' },
  MessageAttribute: { member: 'MessageAttributes', key: 'Name' },
  MessageSystemAttribute: { member: 'MessageSystemAttributes', key: 'Name' },
  Tag: { member: 'Tags', key: 'Key' },
};

/** Members the JSON protocol types as integers (the query protocol sends every value as text). */
const INTEGERS = new Set([
  'DelaySeconds',
  'MaxNumberOfMessages',
  'VisibilityTimeout',
  'WaitTimeSeconds',
  'MaxResults',
  'MaxNumberOfMessagesPerSecond',
]);

/** Parameters that belong to the protocol, not to the operation's input. */
const PROTOCOL_PARAMS = new Set(['Action', 'Version']);

type Tree = { [key: string]: Tree | string };

/** The JSON-protocol input of the query request `params` (its `Action` names the operation). */
export function fromQueryParams(params: URLSearchParams): Record<string, unknown> {
  const tree: Tree = {};
  for (const [name, value] of params) {
    if (PROTOCOL_PARAMS.has(name)) continue;
    insert(tree, name.split('.'), value);
  }
  const input = convert(tree);
  // CreateQueue's tags are `tags` in the JSON protocol (TagQueue's are `Tags`): the model says so.
  if (params.get('Action') === 'CreateQueue' && input.Tags !== undefined) {
    input.tags = input.Tags;
    delete input.Tags;
  }
  return input;
}

function insert(tree: Tree, path: readonly string[], value: string): void {
  let node = tree;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next === 'object') node = next;
    else node = node[segment] = {};
  }
  node[path.at(-1)!] = value;
}

function convert(tree: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(tree)) {
    const list = LISTS[name];
    const map = MAPS[name];
    if (list && typeof value === 'object') out[list] = numbered(value).map(member);
    else if (map && typeof value === 'object') out[map.member] = toMap(numbered(value), map.key);
    else out[name] = typeof value === 'object' ? convert(value) : scalar(name, value);
  }
  return out;
}

/** The members of a flattened collection in their numbered order (`.1`, `.2`, …). */
function numbered(node: Tree): (Tree | string)[] {
  return Object.entries(node)
    .filter(([index]) => /^\d+$/.test(index))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, value]) => value);
}

function member(value: Tree | string): unknown {
  return typeof value === 'object' ? convert(value) : value;
}

function toMap(entries: readonly (Tree | string)[], keyName: string): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const entry of entries) {
    if (typeof entry !== 'object') continue;
    const key = entry[keyName];
    if (typeof key !== 'string') continue;
    const value = entry.Value;
    map[key] = value === undefined ? '' : member(value);
  }
  return map;
}

function scalar(name: string, value: string): unknown {
  if (!INTEGERS.has(name)) return value;
  const number = Number(value);
  // A value that is not a number goes through as text: fauxqs answers AWS's validation error.
  return value.trim() !== '' && Number.isFinite(number) ? number : value;
}
