/**
 * Artillery processor for the BEMS scenarios (Artillery bundles this TypeScript file with esbuild).
 *
 * Each virtual user builds one POST — a batch of 10 events or a single event of a random stage —
 * and, on HTTP 202, appends the accepted eventIds to the accepted-events log that
 * `load-tests/verify.ts` checks against the store. Counters `bems.events_sent`,
 * `bems.events_accepted` and `bems.events_refused.<status>` appear in Artillery's report.
 *
 * Environment: BEMS_ACCEPTED_FILE (default load-tests/out/accepted.jsonl), BEMS_RUN_ID (tags invoice ids).
 */
import { resolve } from 'node:path';
import { AcceptedLogWriter } from './acceptedLog.ts';
import { InvoiceEventGenerator, type InvoicePost } from './invoiceEventGenerator.ts';

interface Context {
  vars: Record<string, unknown>;
}
interface Events {
  emit(type: 'counter', name: string, value: number): void;
}
interface RequestParams {
  json?: unknown;
}
interface Response {
  statusCode: number;
  body?: unknown;
}

const generator = new InvoiceEventGenerator(process.env.BEMS_RUN_ID ? { runId: process.env.BEMS_RUN_ID } : {});
let writer: AcceptedLogWriter | undefined;

function acceptedLog(): AcceptedLogWriter {
  writer ??= new AcceptedLogWriter(resolve(process.env.BEMS_ACCEPTED_FILE ?? 'load-tests/out/accepted.jsonl'));
  return writer;
}

function prepare(context: Context, post: InvoicePost): void {
  context.vars.stage = post.stage;
  context.vars.post = post;
}

/** Flow step: a batch POST of 10 events of one random stage. */
export async function batchOfTen(context: Context): Promise<void> {
  prepare(context, generator.batch(10));
}

/** Flow step: a single-event POST of a random stage. */
export async function singleEvent(context: Context): Promise<void> {
  prepare(context, generator.single());
}

/** beforeRequest: the body is set here so Artillery does not template-walk it from YAML. */
export async function setBody(request: RequestParams, context: Context, events: Events): Promise<void> {
  const post = context.vars.post as InvoicePost;
  request.json = post.body;
  events.emit('counter', 'bems.events_sent', post.eventIds.length);
}

function acceptedIds(body: unknown, sent: readonly string[]): readonly string[] {
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { accepted?: unknown };
    if (Array.isArray(parsed?.accepted)) return parsed.accepted.filter((id): id is string => typeof id === 'string');
  } catch {
    // A 202 whose body is not the contract's still means accepted: fall through to the sent ids.
  }
  return sent;
}

/** afterResponse: log what was accepted; count what was not. */
export async function recordAccepted(
  _request: RequestParams,
  response: Response,
  context: Context,
  events: Events,
): Promise<void> {
  const post = context.vars.post as InvoicePost;
  if (response.statusCode !== 202) {
    events.emit('counter', `bems.events_refused.${response.statusCode}`, post.eventIds.length);
    return;
  }
  const ids = acceptedIds(response.body, post.eventIds);
  const invoiceOf = new Map(post.eventIds.map((id, i) => [id, post.invoiceIds[i]!]));
  const acceptedAt = Date.now();
  acceptedLog().append(
    ids.map((eventId) => ({ eventId, invoiceId: invoiceOf.get(eventId) ?? '', stage: post.stage, acceptedAt })),
  );
  events.emit('counter', 'bems.events_accepted', ids.length);
}
