import { randomUUID } from 'node:crypto';

/**
 * The answer of an SQS operation in its JSON protocol (fauxqs') as the query protocol's XML, the
 * way SQS wrote it before it moved to JSON: `<ReceiveMessageResponse><ReceiveMessageResult>…` with
 * flattened lists and maps named after their members in the service model, then the request id.
 */

const NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

/** JSON list member → the element each of its items is written as. */
const LIST_ITEMS: Readonly<Record<string, string>> = {
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
  Messages: 'Message',
  Failed: 'BatchResultErrorEntry',
  Results: 'ListMessageMoveTasksResultEntry',
  StringListValues: 'StringListValue',
  BinaryListValues: 'BinaryListValue',
};

/** JSON map member → the element of each entry and the names of its key and value. */
const MAP_ENTRIES: Readonly<
  Record<string, { readonly element: string; readonly key: string; readonly value: string }>
> = {
  Attributes: { element: 'Attribute', key: 'Name', value: 'Value' },
  MessageAttributes: { element: 'MessageAttribute', key: 'Name', value: 'Value' },
  Tags: { element: 'Tag', key: 'Key', value: 'Value' },
};

/** A successful answer: `output` is the JSON protocol's response body. */
export function toQueryResponse(action: string, output: Record<string, unknown>): string {
  const members = elements(output, action);
  // Operations without output members have no Result element (DeleteMessage, SetQueueAttributes, …).
  const result = members === '' ? '' : `<${action}Result>${members}</${action}Result>`;
  return (
    `<?xml version="1.0"?><${action}Response xmlns="${NAMESPACE}">${result}` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** An error: its query-protocol code and fault (fauxqs sends both in `x-amzn-query-error`). */
export function toQueryError(error: {
  readonly code: string;
  readonly type: 'Sender' | 'Receiver';
  readonly message: string;
}): string {
  return (
    `<?xml version="1.0"?><ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${error.type}</Type>` +
    `<Code>${xmlText(error.code)}</Code><Message>${xmlText(error.message)}</Message><Detail/></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

function elements(object: Record<string, unknown>, action: string): string {
  let xml = '';
  for (const [name, value] of Object.entries(object)) {
    if (value === undefined || value === null) continue;
    const map = MAP_ENTRIES[name];
    if (Array.isArray(value)) {
      // Successful entries of a batch are `<SendMessageBatchResultEntry>`, `<DeleteMessageBatchResultEntry>`, …
      const item = name === 'Successful' ? `${action}ResultEntry` : (LIST_ITEMS[name] ?? name);
      for (const entry of value) xml += element(item, entry, action);
    } else if (map && typeof value === 'object') {
      for (const [key, entry] of Object.entries(value as Record<string, unknown>))
        xml += `<${map.element}><${map.key}>${xmlText(key)}</${map.key}>${element(map.value, entry, action)}</${map.element}>`;
    } else {
      xml += element(name, value, action);
    }
  }
  return xml;
}

function element(name: string, value: unknown, action: string): string {
  const content =
    typeof value === 'object' && value !== null
      ? elements(value as Record<string, unknown>, action)
      : xmlText(String(value));
  return `<${name}>${content}</${name}>`;
}

/** XML text; `\r` as a reference so that an XML parser does not turn it into `\n`. */
function xmlText(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    .replaceAll('\r', '&#xD;');
}
