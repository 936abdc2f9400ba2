import type { JsonSchema, ModelOptions } from 'aws-cdk-lib/aws-apigateway';
import * as z from 'zod';
import { batchRequestSchema, MAX_EVENTS_PER_REQUEST, stageEventSchema } from './invoiceEvent.ts';
import type { Stage } from './stages.ts';

/**
 * API Gateway request models, generated from the zod contract.
 *
 * API Gateway validates a request body against a JSON Schema draft-04 model before the ingest
 * Lambda runs, which turns away malformed traffic without paying for an invocation. It can only
 * enforce the structural part of the contract: zod refinements (calendar dates that exist,
 * decimals per currency, payment terms consistent with invoiceDate, the 5-minute clock rule,
 * distinct eventIds in a batch) have no JSON Schema form and are dropped by `z.toJSONSchema`; the
 * Lambda enforces them. So the model must never be stricter than zod: it accepts every body zod
 * accepts (checked against the valid fixtures and generated events in tests).
 *
 * @example
 * { "$schema": "http://json-schema.org/draft-04/schema#", "title": "InvoiceEventsPostingRequest",
 *   "type": "object", "anyOf": [ { …one event… }, { "properties": { "events": { … } }, … } ] }
 */

export const JSON_SCHEMA_DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

/** A JSON Schema document as plain JSON. */
export type JsonSchemaDocument = { readonly [keyword: string]: unknown };

/**
 * Keywords API Gateway's draft-04 validator enforces and we emit. Anything else coming out of
 * `z.toJSONSchema` (a zod upgrade, a new field type) fails generation instead of shipping a model
 * API Gateway would ignore or reject.
 */
export const API_GATEWAY_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema',
  'title',
  'description',
  'default',
  'type',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'anyOf',
]);

/**
 * Keywords dropped on purpose: API Gateway ignores `format` (and draft-04 has no `uuid` format);
 * every `format` zod emits comes with a `pattern` that carries the same structural rule.
 */
const DROPPED_KEYWORDS: ReadonlySet<string> = new Set(['format']);

/** Keywords whose value is a map of user-chosen names to schemas, not a schema itself. */
const NAME_MAPS: ReadonlySet<string> = new Set(['properties']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Cleans a zod-generated schema for API Gateway: drops nested `$schema` and unsupported
 * keywords, checks the rest against {@link API_GATEWAY_KEYWORDS}, and sorts keys so the committed
 * files diff cleanly whatever order zod emits.
 */
function forApiGateway(schema: unknown, where: string): unknown {
  if (Array.isArray(schema)) return schema.map((entry, index) => forApiGateway(entry, `${where}/${index}`));
  if (!isPlainObject(schema)) return schema;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(schema).sort()) {
    if (DROPPED_KEYWORDS.has(key) || (key === '$schema' && where !== '#')) continue;
    if (!API_GATEWAY_KEYWORDS.has(key)) {
      throw new Error(`JSON Schema keyword "${key}" at ${where} is not supported in API Gateway models`);
    }
    const value = schema[key];
    if (key === 'enum' || key === 'required' || key === 'default') {
      result[key] = value;
    } else if (NAME_MAPS.has(key) && isPlainObject(value)) {
      result[key] = Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((name) => [name, forApiGateway(value[name], `${where}/${key}/${name}`)]),
      );
    } else {
      result[key] = forApiGateway(value, `${where}/${key}`);
    }
  }
  return result;
}

/** API Gateway model names are alphanumeric only. */
export function requestModelName(stage: Stage): string {
  return `InvoiceEvents${stage[0]!.toUpperCase()}${stage.slice(1)}Request`;
}

/**
 * The request model of `POST /invoices/<stage>` as a JSON Schema draft-04 document: one event, or
 * `{ "events": [...] }` with 1–10 events. `stage` is optional in both (the path supplies it), which
 * is why the input side of the zod schema is converted (`io: 'input'`).
 */
export function requestModelSchema(stage: Stage): JsonSchemaDocument {
  // An empty metadata registry: the contract's `.meta()` keywords (patterns with lookaheads,
  // "integer", long enums) are for the published schemas; API Gateway gets the structural rules only.
  const toDraft4 = (schema: z.ZodType) =>
    z.toJSONSchema(schema, { target: 'draft-4', io: 'input', metadata: z.registry() });
  const document = {
    $schema: JSON_SCHEMA_DRAFT_04,
    title: requestModelName(stage),
    description:
      `One ${stage} invoice event, or {"events": [...]} with 1-${MAX_EVENTS_PER_REQUEST} of them. ` +
      'Structural rules only; the ingest function enforces the full contract (schemas/ in the BEMS repository).',
    type: 'object',
    anyOf: [toDraft4(stageEventSchema(stage)), toDraft4(batchRequestSchema(stage))],
  };
  return forApiGateway(document, '#') as JsonSchemaDocument;
}

/** The committed file content for `stage`: `schemas/generated/api-gateway/<stage>.json`, with a trailing newline. */
export function renderRequestModel(stage: Stage): string {
  return `${JSON.stringify(requestModelSchema(stage), null, 2)}\n`;
}

/**
 * The CDK's `JsonSchema` spells `$schema`/`$ref` as `schema`/`ref` and maps them back when it
 * synthesizes the `AWS::ApiGateway::Model`; property names are user data and stay as they are.
 */
function toCdkJsonSchema(schema: unknown, keysAreNames = false): unknown {
  if (Array.isArray(schema)) return schema.map((entry) => toCdkJsonSchema(entry));
  if (!isPlainObject(schema)) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => {
      const cdkKey = !keysAreNames && key.startsWith('$') ? key.slice(1) : key;
      const valueIsData = !keysAreNames && (key === 'enum' || key === 'required' || key === 'default');
      return [cdkKey, valueIsData ? value : toCdkJsonSchema(value, !keysAreNames && NAME_MAPS.has(key))];
    }),
  );
}

/**
 * Model options for the request body of `POST /invoices/<stage>`, ready for the CDK:
 *
 * ```ts
 * const model = api.addModel(`Invoices${stage}Model`, requestModelFor(stage));
 * resource.addMethod('POST', integration, {
 *   requestModels: { 'application/json': model },
 *   requestValidator: new apigateway.RequestValidator(this, 'BodyValidator', { restApi: api, validateRequestBody: true }),
 * });
 * ```
 *
 * The schema is built from the zod contract at synth time; `test/unit/schemas/generatedSchemas.test.ts`
 * keeps the committed `schemas/generated/api-gateway/<stage>.json` equal to it, so reviewers see every model change.
 * The model is deliberately looser than the Lambda (see the module comment). A body it rejects gets
 * API Gateway's `BAD_REQUEST_BODY` gateway response; give that response the ErrorResponse shape
 * (`{"code":"VALIDATION_FAILED","message":"$context.error.validationErrorString"}`) so clients
 * see one error format whichever layer refused them.
 */
export function requestModelFor(stage: Stage): ModelOptions {
  return {
    contentType: 'application/json',
    modelName: requestModelName(stage),
    description: `Request body of POST /invoices/${stage} (generated from schemas/)`,
    // The CDK types `type` and `$schema` as string enums whose values are the JSON Schema strings.
    schema: toCdkJsonSchema(requestModelSchema(stage)) as JsonSchema,
  };
}
