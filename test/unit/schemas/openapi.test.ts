import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { CELL_DEFAULTS } from '../../../cells/constructs/defaults.ts';
import type { InvoiceTimeline } from '../../../local/cell/api/invoiceTimeline.ts';
import { ERROR_CODES, ERROR_STATUSES, type ErrorCode } from '../../../schemas/errorResponse.ts';
import { STAGE_EXAMPLES } from '../../../schemas/examples.ts';
import { API_KEY_SCHEME, AWS_API_STAGE, eventSchemaName, openApiDocument } from '../../../schemas/openapi.ts';
import { parseRequestBody } from '../../../schemas/parseRequestBody.ts';
import { publishedRequestSchema } from '../../../schemas/publishedSchemas.ts';
import { STAGES } from '../../../schemas/stages.ts';
import type { InvoiceTimelineSchema } from '../../../schemas/timeline.ts';

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is walked as plain JSON here.
type Json = any;

type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;

const committed: Json = JSON.parse(
  readFileSync(new URL('../../../schemas/generated/openapi.json', import.meta.url), 'utf8'),
);
const stagePaths = STAGES.map((stage) => `/invoices/${stage}`);

/** `schema` with every `$ref` to a component schema of the committed document replaced by that schema. */
function resolved(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(resolved);
  if (typeof schema !== 'object' || schema === null) return schema;
  const ref = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref ?? '');
  if (ref) return resolved(committed.components.schemas[ref[1]!]);
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, resolved(value)]));
}

describe('OpenAPI document (schemas/generated/openapi.json)', () => {
  it('is a valid OpenAPI 3.1 document (standard validator)', async () => {
    const result = await new Validator().validate(committed);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(committed.openapi).toMatch(/^3\.1\./);
  });

  it('names every path: one POST per stage, the invoice timeline, health and itself', () => {
    expect(Object.keys(committed.paths).sort()).toEqual(
      [...stagePaths, '/invoices/{invoiceId}', '/health', '/openapi.json'].sort(),
    );
    for (const path of stagePaths) expect(Object.keys(committed.paths[path])).toEqual(['post']);
    for (const path of ['/invoices/{invoiceId}', '/health', '/openapi.json']) {
      expect(Object.keys(committed.paths[path])).toEqual(['get']);
    }
  });

  it('requires the x-api-key header except on /health and /openapi.json', () => {
    expect(committed.components.securitySchemes[API_KEY_SCHEME]).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
    );
    expect(committed.security).toEqual([{ [API_KEY_SCHEME]: [] }]);
    expect(committed.paths['/health'].get.security).toEqual([]);
    expect(committed.paths['/openapi.json'].get.security).toEqual([]);
    for (const path of stagePaths) expect(committed.paths[path].post.security).toBeUndefined();
  });

  it.each(STAGES)("POST /invoices/%s takes the stage's published schema as its body", (stage) => {
    const { $schema: _dialect, ...published } = publishedRequestSchema(stage);
    const body = committed.paths[`/invoices/${stage}`].post.requestBody;
    expect(body.required).toBe(true);
    expect(resolved(body.content['application/json'].schema)).toEqual(published);
  });

  it('defines each stage event and each shared field once, as a component the bodies refer to', () => {
    const schemas = committed.components.schemas;
    for (const stage of STAGES) {
      const name = eventSchemaName(stage);
      const body = committed.paths[`/invoices/${stage}`].post.requestBody.content['application/json'].schema;
      expect(body.anyOf[0]).toEqual({ $ref: `#/components/schemas/${name}` });
      expect(body.anyOf[1].properties.events.items).toEqual({ $ref: `#/components/schemas/${name}` });
      expect(schemas[name].properties.vendor).toEqual({ $ref: '#/components/schemas/Vendor' });
    }
    expect(JSON.stringify(committed).match(/"ISO 4217 currency code known to BEMS\."/g)).toHaveLength(1);
  });

  it.each(STAGES)('POST /invoices/%s has examples (one event, a batch) that the API and the schema accept', (stage) => {
    const examples = committed.paths[`/invoices/${stage}`].post.requestBody.content['application/json'].examples;
    const validate = new Ajv2020().compile(publishedRequestSchema(stage));
    // The examples were true a day after they happened; the clock rules are the API's, not the example's.
    const now = () => Date.parse('2026-11-28T12:00:00Z');
    expect(examples.event.value).toEqual(STAGE_EXAMPLES[stage]);
    for (const example of [examples.event.value, examples.batch.value]) {
      expect(parseRequestBody(stage, example, { now })).toMatchObject({ success: true });
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('lists every error code under each of its HTTP statuses, in the ErrorResponse shape', () => {
    const post = committed.paths['/invoices/posting'].post.responses;
    const timeline = committed.paths['/invoices/{invoiceId}'].get.responses;
    const documented = new Map<ErrorCode, Set<number>>();
    for (const responses of [post, timeline]) {
      for (const [status, response] of Object.entries<Json>(responses)) {
        if (Number(status) < 400) continue;
        const schema = response.content['application/json'].schema;
        expect(schema.required).toEqual(['code', 'message']);
        expect(schema.additionalProperties).toBe(false);
        for (const code of schema.properties.code.enum as ErrorCode[]) {
          documented.set(code, (documented.get(code) ?? new Set()).add(Number(status)));
          expect(ERROR_STATUSES[code].statuses as readonly number[]).toContain(Number(status));
          expect(response.description).toContain(code);
        }
      }
    }
    expect([...documented.keys()].sort()).toEqual(Object.values(ERROR_CODES).sort());
    for (const [code, statuses] of documented) expect([...statuses].sort()).toEqual([...ERROR_STATUSES[code].statuses]);
  });

  it('documents Retry-After on 429 (and 503)', () => {
    for (const path of stagePaths) {
      const { responses } = committed.paths[path].post;
      expect(Object.keys(responses['429'].headers)).toEqual(['Retry-After']);
      expect(responses['429'].headers['Retry-After'].schema).toMatchObject({ type: 'integer', minimum: 0 });
      expect(Object.keys(responses['503'].headers)).toEqual(['Retry-After']);
    }
    expect(committed.paths['/invoices/{invoiceId}'].get.responses['429'].headers).toHaveProperty('Retry-After');
  });

  it("names the AWS cell's deployment stage in its server URL", () => {
    expect(AWS_API_STAGE).toBe(CELL_DEFAULTS.apiStageName);
    expect(openApiDocument().servers?.[0]?.url).toMatch(new RegExp(`/${AWS_API_STAGE}$`));
  });

  it('describes the timeline body the local cell builds', () => {
    // Checked by `npm run typecheck`: the documented shape is the built one, readonly aside.
    expectTypeOf<z.infer<typeof InvoiceTimelineSchema>>().toEqualTypeOf<Mutable<InvoiceTimeline>>();
  });
});
