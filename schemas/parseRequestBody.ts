import { type FieldIssue, toFieldIssues } from './errorResponse.ts';
import { batchRequestSchema, type InvoiceEventOf, type SchemaOptions, stageEventSchema } from './invoiceEvent.ts';
import type { Stage } from './stages.ts';

export type ParsedRequestBody<S extends Stage> =
  | { readonly success: true; readonly batch: boolean; readonly events: InvoiceEventOf<S>[] }
  | { readonly success: false; readonly issues: FieldIssue[] };

const NOT_AN_OBJECT = 'must be a JSON object: one invoice event, or {"events": [...]} with 1-10 events';

/**
 * Validates a parsed JSON POST body for `stage`: one event, or `{ "events": [...] }`. A body with
 * an `events` field is a batch; anything else is one event. Deciding up front (rather than with a
 * zod union) keeps the issues about what the client meant, at paths such as `events.3.amount`.
 * Omitted `stage` fields are filled with `stage`; eventIds come out lower-cased.
 *
 * @example parseRequestBody('posting', JSON.parse(body)) → { success: true, batch: false, events: [ … ] }
 */
export function parseRequestBody<S extends Stage>(
  stage: S,
  body: unknown,
  options: SchemaOptions = {},
): ParsedRequestBody<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { success: false, issues: [{ path: '', message: NOT_AN_OBJECT }] };
  }
  if ('events' in body) {
    const result = batchRequestSchema(stage, options).safeParse(body);
    return result.success
      ? { success: true, batch: true, events: result.data.events as InvoiceEventOf<S>[] }
      : { success: false, issues: toFieldIssues(result.error.issues) };
  }
  const result = stageEventSchema(stage, options).safeParse(body);
  return result.success
    ? { success: true, batch: false, events: [result.data as InvoiceEventOf<S>] }
    : { success: false, issues: toFieldIssues(result.error.issues) };
}
