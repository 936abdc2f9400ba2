import * as z from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { stagePath } from './apiRoutes.ts';
import { AcceptedResponseSchema, ERROR_STATUSES, ErrorResponseSchema, errorCodesWithStatus } from './errorResponse.ts';
import { STAGE_EXAMPLES } from './examples.ts';
import {
  AmountSchema,
  CalendarDateSchema,
  CurrencySchema,
  INVOICE_ID_PATTERN,
  MAX_EVENTS_PER_REQUEST,
  MetadataSchema,
  PaymentTermsSchema,
  stageEventSchema,
  VendorSchema,
} from './invoiceEvent.ts';
import { PUBLISHING_OPTIONS, requestBodySchema } from './publishedSchemas.ts';
import { STAGES, type Stage } from './stages.ts';
import { InvoiceTimelineSchema } from './timeline.ts';

/**
 * The OpenAPI 3.1 document of a cell's API, generated from the zod contract by zod-openapi and
 * committed as `schemas/generated/openapi.json` (`npm run schemas`; `--check` in CI). The local
 * cell serves it at `GET /openapi.json`. Request bodies are the published schemas of
 * `publishedSchemas.ts`; error bodies list the codes of each status from `ERROR_STATUSES`.
 *
 * @example openApiDocument().paths['/invoices/posting'].post.requestBody
 */

export const OPENAPI_VERSION = '3.1.0';
/** Version of the API contract; bumped with SCHEMA_VERSION's meaning (breaking changes only). */
export const API_VERSION = '1.0.0';
/** The API Gateway deployment stage every AWS cell serves (`CELL_DEFAULTS.apiStageName`). */
export const AWS_API_STAGE = 'v1';
export const API_KEY_SCHEME = 'apiKey';

/** `Retry-After` on 409, 429 and 503 (zod-openapi takes response headers as an object schema). */
const retryAfterHeaders = z.object({
  'Retry-After': z.int().min(0).optional().meta({
    description:
      'Seconds to wait before retrying. Every 429 carries it (API Gateway a fixed value, the local cell the computed wait); without it, back off exponentially with jitter. See docs/ERRORS.md.',
  }),
});

/** One response per status, whose body's `code` is one of the codes of that status. */
function errorResponses(statuses: readonly number[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    statuses.map((status) => {
      const codes = errorCodesWithStatus(status);
      const schema = ErrorResponseSchema.extend({ code: z.enum(codes as [string, ...string[]]) });
      const response = {
        description: codes
          .map((code) => `${code}: ${ERROR_STATUSES[code].meaning} (retry: ${ERROR_STATUSES[code].retry})`)
          .join('. '),
        content: { 'application/json': { schema } },
        ...([409, 429, 503].includes(status) ? { headers: retryAfterHeaders } : {}),
      };
      return [String(status), response];
    }),
  );
}

const KEY_STATUSES = [403, 429] as const;

function postStage(stage: Stage): ZodOpenApiOperationObject {
  const { stage: _omitted, ...withoutStage } = STAGE_EXAMPLES[stage];
  return {
    operationId: `post${stage[0]!.toUpperCase()}${stage.slice(1)}Events`,
    tags: ['events'],
    summary: `Send ${stage} events`,
    description:
      `One ${stage} event, or up to ${MAX_EVENTS_PER_REQUEST} in {"events": [...]}. A request is accepted or ` +
      'refused whole. eventId is the idempotency key: resending an accepted event is safe. On AWS, API Gateway ' +
      "checks the body against this stage's model before any function runs.",
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: requestBodySchema(stage),
          examples: {
            event: { summary: `One ${stage} event`, value: STAGE_EXAMPLES[stage] },
            batch: { summary: 'A batch (stage omitted: the path supplies it)', value: { events: [withoutStage] } },
          },
        },
      },
    },
    responses: {
      '202': {
        description: 'Every event was accepted onto the bus; `accepted` lists their eventIds.',
        content: { 'application/json': { schema: AcceptedResponseSchema } },
      },
      ...errorResponses([400, ...KEY_STATUSES, 404, 409, 413, 415, 500, 502, 503, 504]),
    },
  };
}

function paths(): ZodOpenApiPathsObject {
  const stagePaths = Object.fromEntries(STAGES.map((stage) => [stagePath(stage), { post: postStage(stage) }]));
  return {
    ...stagePaths,
    '/invoices/{invoiceId}': {
      get: {
        operationId: 'getInvoiceTimeline',
        tags: ['invoices'],
        summary: 'The recorded events of an invoice (local cell only)',
        description: 'Served by the local cell; on AWS the dashboards answer this question.',
        'x-bems-local-only': true,
        requestParams: {
          path: z.object({ invoiceId: z.string().regex(INVOICE_ID_PATTERN).meta({ example: 'INV-2026-000123' }) }),
        },
        responses: {
          '200': {
            description: 'The invoice timeline, oldest event first.',
            content: { 'application/json': { schema: InvoiceTimelineSchema } },
          },
          ...errorResponses([400, ...KEY_STATUSES, 404, 500]),
        },
      },
    },
    '/health': {
      get: {
        operationId: 'getHealth',
        tags: ['operations'],
        summary: 'Whether the API is up (no key)',
        description:
          'On AWS a mock answered by API Gateway for Route 53 health checks; the local cell adds the state of each component.',
        security: [],
        responses: {
          '200': {
            description: 'Up.',
            content: { 'application/json': { schema: z.looseObject({ status: z.string() }) } },
          },
          '503': {
            description: 'Degraded (local cell only).',
            content: { 'application/json': { schema: z.looseObject({ status: z.string() }) } },
          },
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        tags: ['operations'],
        summary: 'This document (no key; local cell)',
        security: [],
        'x-bems-local-only': true,
        responses: {
          '200': {
            description: 'The OpenAPI 3.1 document.',
            content: { 'application/json': { schema: z.looseObject({ openapi: z.string() }) } },
          },
        },
      },
    },
  };
}

/**
 * Schemas the document defines once under `components/schemas` and refers to with `$ref` wherever
 * they occur: each stage's event (in its body's one-event and batch forms) and the fields every
 * stage shares. zod-openapi replaces each of these zod instances by a reference to its name; the
 * published per-stage schemas and the API Gateway models stay self-contained.
 */
function sharedSchemas(): Record<string, z.ZodType> {
  return {
    ...Object.fromEntries(STAGES.map((stage) => [eventSchemaName(stage), stageEventSchema(stage)])),
    Vendor: VendorSchema,
    PaymentTerms: PaymentTermsSchema,
    Metadata: MetadataSchema,
    CalendarDate: CalendarDateSchema,
    Amount: AmountSchema,
    Currency: CurrencySchema,
  };
}

/** `IngestionEvent`, … : the component name of a stage's event. */
export function eventSchemaName(stage: Stage): string {
  return `${stage[0]!.toUpperCase()}${stage.slice(1)}Event`;
}

export type OpenApiDocument = ReturnType<typeof createDocument>;

/** The OpenAPI 3.1 document of the cell API. */
export function openApiDocument(): OpenApiDocument {
  return createDocument(
    {
      openapi: OPENAPI_VERSION,
      info: {
        title: 'BEMS invoice events API',
        version: API_VERSION,
        description:
          'Upstream finance systems send invoice events per stage. Every 4xx/5xx body is an ErrorResponse ' +
          '{code, message, issues?, rejectedEventIds?, requestId?}; clients branch on `code`, never on `message`.',
      },
      servers: [
        {
          url: `https://{restApiId}.execute-api.{region}.amazonaws.com/${AWS_API_STAGE}`,
          description: 'A BEMS cell on AWS',
          variables: { restApiId: { default: 'abc123' }, region: { default: 'eu-west-1' } },
        },
        {
          url: 'http://localhost:{port}',
          description: 'The local cell (npm start)',
          variables: { port: { default: '4010' } },
        },
      ],
      security: [{ [API_KEY_SCHEME]: [] }],
      tags: [
        { name: 'events', description: 'Invoice events, one resource per stage' },
        { name: 'invoices', description: 'What was recorded' },
        { name: 'operations', description: 'Health and this document' },
      ],
      paths: paths(),
      components: {
        schemas: sharedSchemas(),
        securitySchemes: {
          [API_KEY_SCHEME]: {
            type: 'apiKey',
            in: 'header',
            name: 'x-api-key',
            description: "Your client's API key; each key has a usage plan (rate, burst, daily quota).",
          },
        },
      },
    },
    PUBLISHING_OPTIONS,
  );
}

/** The committed content of `schemas/generated/openapi.json`, with a trailing newline. */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
