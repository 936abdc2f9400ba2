import * as z from 'zod';
import { type CreateDocumentOptions, createSchema } from 'zod-openapi';
import { batchRequestSchema, MAX_EVENTS_PER_REQUEST, MAX_NET_DAYS, stageEventSchema } from './invoiceEvent.ts';
import { type JsonSchemaDocument, requestModelName } from './requestModel.ts';
import type { Stage } from './stages.ts';

/**
 * The JSON Schemas BEMS publishes for clients: draft 2020-12, one per stage, generated from the
 * zod contract by zod-openapi (whose schemas are the OpenAPI 3.1 document's, see `openapi.ts`),
 * committed as `schemas/generated/<stage>.schema.json`. They are as strict as the API wherever
 * JSON Schema can say it: the contract's `.meta()` supplies the JSON Schema form of refinements
 * that have one (see `invoiceEvent.ts`). A default Ajv 2020 compiles them (no formats: every rule
 * a `format` would add is in a `pattern`). What they cannot say is {@link CHECKS_BEYOND_JSON_SCHEMA},
 * also named in the `description` of the field concerned.
 *
 * Not to be confused with the draft-04 API Gateway models (`requestModel.ts`), which carry only
 * the structural rules API Gateway's validator understands.
 *
 * @example
 * { "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "InvoiceEventsPostingRequest",
 *   "anyOf": [ { …one event… }, { "type": "object", "properties": { "events": { … } }, … } ] }
 */

export const JSON_SCHEMA_DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** Rules the API enforces that JSON Schema cannot express, by field. */
export const CHECKS_BEYOND_JSON_SCHEMA = {
  amount: "at most the currency's minor-unit decimals, and at most 2^53 - 1 minor units either side of zero",
  'paymentTerms.dueDate': `not before invoiceDate, at most ${MAX_NET_DAYS} days after it, and invoiceDate + netDays when both are given`,
  occurredAt:
    "not before 1970-01-01T00:00:00Z as an instant, at most 5 minutes in the future, not older than the cell's retention",
  'events[].eventId': 'distinct within a batch, compared case-insensitively',
  'vendor.name, metadata.sourceSystem, metadata.correlationId': 'maximum lengths count UTF-16 code units',
} as const;

/**
 * Options for zod-openapi shared by the published schemas and the OpenAPI document. `format` is
 * dropped: its rule is carried by a `pattern`, and a default Ajv refuses a schema with a format
 * it does not know.
 */
export const PUBLISHING_OPTIONS: CreateDocumentOptions = {
  override: ({ jsonSchema }) => {
    delete jsonSchema.format;
  },
};

function checksDescription(): string {
  return Object.entries(CHECKS_BEYOND_JSON_SCHEMA)
    .map(([field, rule]) => `${field}: ${rule}`)
    .join('; ');
}

/**
 * The body of `POST /invoices/<stage>` as one zod schema for documentation: one event, or
 * `{"events": [...]}`. The API decides by the presence of `events` (`parseRequestBody`); the two
 * alternatives are disjoint (both are closed objects and only the batch has `events`), so `anyOf`
 * says the same.
 */
export function requestBodySchema(stage: Stage) {
  return z.union([stageEventSchema(stage), batchRequestSchema(stage)]).meta({
    title: requestModelName(stage),
    description:
      `One ${stage} invoice event, or {"events": [...]} with 1-${MAX_EVENTS_PER_REQUEST} of them; "stage" may be ` +
      `omitted (the path supplies it). Checked by the API beyond this schema: ${checksDescription()}.`,
  });
}

/** The published draft 2020-12 schema of the request body of `POST /invoices/<stage>`. */
export function publishedRequestSchema(stage: Stage): JsonSchemaDocument {
  const { schema } = createSchema(requestBodySchema(stage), { io: 'input', opts: PUBLISHING_OPTIONS });
  return { $schema: JSON_SCHEMA_DRAFT_2020_12, ...(schema as JsonSchemaDocument) };
}

/** The committed content of `schemas/generated/<stage>.schema.json`, with a trailing newline. */
export function renderPublishedSchema(stage: Stage): string {
  return `${JSON.stringify(publishedRequestSchema(stage), null, 2)}\n`;
}
