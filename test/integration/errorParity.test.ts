import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import type { RunningLocalCell } from '../../local/cell/index.ts';
import { ERROR_STATUSES, type ErrorCode, ErrorResponseSchema } from '../../schemas/errorResponse.ts';
import { STAGES } from '../../schemas/stages.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import { localCellWithClients, startTestCell } from '../helpers/localTestCell.ts';
import {
  type GatewayContext,
  gatewayResponsesOf,
  type RenderedResponse,
  renderGatewayResponse,
  renderTemplate,
} from '../infra/support/gatewayResponses.ts';
import { type SynthesizedCells, synthCells } from '../infra/support/synthCells.ts';
import { type CfnResource, logicalIdOf, resourcesOf } from '../infra/support/templateQueries.ts';

/**
 * The same mistake gets the same answer from the local cell and from an AWS cell: for each, the
 * request goes to a running local cell, and the gateway response API Gateway would answer it with
 * is looked up in the synthesized template and rendered with the `$context` values API Gateway
 * substitutes. Same status, same code, same body keys, same `Retry-After` presence. The one
 * documented difference (docs/ERRORS.md): API Gateway's validator names no field paths, so an
 * invalid body's `issues` on AWS is one issue with an empty path.
 */

const KEYS = {
  revoked: 'parity-revoked-key-0123456789',
  slow: 'parity-slow-key-0123456789',
  tiny: 'parity-tiny-key-0123456789',
} as const;
const REQUEST_ID = 'c0ffee00-0000-4000-8000-000000000000';

let cell: RunningLocalCell;
let dataDir: string;
let synth: SynthesizedCells;
const awsCell = awsCells()[0]!;

beforeAll(async () => {
  synth = synthCells([awsCell]);
  ({ cell, dataDir } = await startTestCell(
    'bems-error-parity-',
    localCellWithClients(
      { name: 'revoked', localKey: KEYS.revoked, revoked: true },
      { name: 'slow', localKey: KEYS.slow, rateLimit: 0.01, burstLimit: 1 },
      { name: 'tiny', localKey: KEYS.tiny, quotaPerDay: 1 },
    ),
  ));
});

afterAll(async () => {
  await cell?.stop();
  synth?.cleanUp();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Post {
  readonly path?: string;
  readonly key?: string | null;
  readonly contentType?: string;
  readonly body?: string;
}

function post(request: Post = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': request.contentType ?? 'application/json' };
  const key = request.key === undefined ? cell.apiKey : request.key;
  if (key !== null) headers['x-api-key'] = key;
  return fetch(`${cell.apiUrl}${request.path ?? '/invoices/ingestion'}`, {
    method: 'POST',
    headers,
    body: request.body ?? JSON.stringify(buildInvoiceEvent('ingestion')),
  });
}

/** A local answer in the form a gateway response is rendered to. */
async function answered(response: Response): Promise<RenderedResponse> {
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'retry-after']) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { status: response.status, headers, body: await response.json() };
}

/** What API Gateway answers with `responseType`, given the `$context` values it would substitute. */
function gatewayAnswer(responseType: string, context: Omit<GatewayContext, 'requestId'>): RenderedResponse {
  const properties = gatewayResponsesOf(synth.templates.get(awsCell.id)!).get(responseType);
  if (!properties) throw new Error(`no gateway response ${responseType} in the template`);
  return renderGatewayResponse(properties, { requestId: REQUEST_ID, responseType, ...context });
}

/** What the mock on `/invoices/{stage}` answers: an unknown stage never reaches a function on AWS. */
function unknownStageAnswer(): RenderedResponse {
  const template = synth.templates.get(awsCell.id)!;
  const resources = template.toJSON().Resources as Record<string, CfnResource>;
  const [mock] = [...resourcesOf(template, 'AWS::ApiGateway::Method').values()].filter(
    (method) => resources[logicalIdOf(method.Properties.ResourceId)]!.Properties.PathPart === '{stage}',
  );
  const [response] = mock!.Properties.Integration.IntegrationResponses;
  return {
    status: Number(response.StatusCode),
    headers: { 'content-type': 'application/json' },
    body: JSON.parse(renderTemplate(response.ResponseTemplates['application/json'], { requestId: REQUEST_ID })),
  };
}

interface Mistake {
  readonly name: string;
  readonly code: ErrorCode;
  readonly local: () => Promise<Response>;
  readonly aws: () => RenderedResponse;
}

const MISTAKES: readonly Mistake[] = [
  {
    name: 'missing key',
    code: 'FORBIDDEN',
    local: () => post({ key: null }),
    aws: () => gatewayAnswer('INVALID_API_KEY', { messageString: 'Forbidden' }),
  },
  {
    name: 'unknown key',
    code: 'FORBIDDEN',
    local: () => post({ key: 'not-a-key-of-this-cell-0000' }),
    aws: () => gatewayAnswer('INVALID_API_KEY', { messageString: 'Forbidden' }),
  },
  {
    name: 'revoked key',
    code: 'FORBIDDEN',
    local: () => post({ key: KEYS.revoked }),
    aws: () => gatewayAnswer('INVALID_API_KEY', { messageString: 'Forbidden' }),
  },
  {
    name: 'throttled',
    code: 'THROTTLED',
    local: async () => {
      await post({ key: KEYS.slow }); // takes the burst of one
      return post({ key: KEYS.slow });
    },
    aws: () => gatewayAnswer('THROTTLED', { messageString: 'Too Many Requests' }),
  },
  {
    name: 'quota exceeded',
    code: 'QUOTA_EXCEEDED',
    local: async () => {
      await post({ key: KEYS.tiny }); // uses the quota of one
      return post({ key: KEYS.tiny });
    },
    aws: () => gatewayAnswer('QUOTA_EXCEEDED', { messageString: 'Limit Exceeded' }),
  },
  {
    name: 'too large',
    code: 'PAYLOAD_TOO_LARGE',
    local: () => post({ body: ' '.repeat(300 * 1024) }),
    aws: () => gatewayAnswer('REQUEST_TOO_LARGE', { messageString: 'Request Too Long' }),
  },
  {
    name: 'wrong media type',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    local: () => post({ contentType: 'text/plain' }),
    aws: () => gatewayAnswer('UNSUPPORTED_MEDIA_TYPE', { messageString: 'Unsupported Media Type' }),
  },
  {
    name: 'invalid body',
    code: 'VALIDATION_FAILED',
    local: () => post({ body: JSON.stringify({ ...buildInvoiceEvent('ingestion'), amount: 12.5, color: 'red' }) }),
    aws: () =>
      gatewayAnswer('BAD_REQUEST_BODY', {
        messageString: 'Invalid request body',
        validationErrorString:
          '[instance type (number) does not match any allowed primitive type (allowed: ["string"])]',
      }),
  },
  {
    name: 'body that is not JSON',
    code: 'VALIDATION_FAILED',
    local: () => post({ body: '{"eventId": ' }),
    aws: () =>
      gatewayAnswer('BAD_REQUEST_BODY', {
        messageString: 'Invalid request body',
        validationErrorString: '[Invalid request body]',
      }),
  },
  {
    name: 'unknown stage',
    code: 'UNKNOWN_STAGE',
    local: () => post({ path: '/invoices/bogus' }),
    aws: unknownStageAnswer,
  },
];

describe('the same mistake gets the same answer locally and on AWS', () => {
  it.each(MISTAKES.map((mistake) => [mistake.name, mistake] as const))('%s', async (_name, mistake) => {
    // Act
    const local = await answered(await mistake.local());
    const aws = mistake.aws();

    // Assess
    const localBody = ErrorResponseSchema.parse(local.body);
    const awsBody = ErrorResponseSchema.parse(aws.body);
    expect([localBody.code, awsBody.code]).toEqual([mistake.code, mistake.code]);
    expect(local.status).toBe(aws.status);
    expect(ERROR_STATUSES[mistake.code].statuses as readonly number[]).toContain(local.status);
    expect(Object.keys(localBody).sort()).toEqual(Object.keys(awsBody).sort());
    expect(localBody.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(awsBody.requestId).toBe(REQUEST_ID);
    expect(local.headers['content-type']).toMatch(/^application\/json/);
    expect(aws.headers['content-type']).toBe('application/json');
    expect(Number(local.headers['retry-after'] ?? Number.NaN) >= 1).toBe('retry-after' in aws.headers);
    if ('retry-after' in aws.headers) expect(Number(aws.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('names every field locally and one whole-body issue on AWS for an invalid body (the documented difference)', async () => {
    // Act
    const local = ErrorResponseSchema.parse(
      (await answered(await MISTAKES.find((m) => m.name === 'invalid body')!.local())).body,
    );
    const aws = ErrorResponseSchema.parse(MISTAKES.find((m) => m.name === 'invalid body')!.aws().body);

    // Assess
    expect(local.issues?.map((issue) => issue.path).sort()).toEqual(['amount', 'color']);
    expect(aws.issues).toEqual([
      { path: '', message: '[instance type (number) does not match any allowed primitive type (allowed: ["string"])]' },
    ]);
  });

  it('answers an idempotency conflict from the ingest function on both sides: no gateway response claims it', async () => {
    // Prepare
    const event = buildInvoiceEvent('ingestion', { amount: '100.00' });
    expect((await post({ body: JSON.stringify(event) })).status).toBe(202);

    // Act
    const local = await answered(await post({ body: JSON.stringify({ ...event, amount: '100.01' }) }));

    // Assess: locally the function's 409; on AWS every stage's POST is a proxy to the same function,
    // whose answer API Gateway passes on verbatim, and no gateway response answers 409.
    expect(local.status).toBe(409);
    expect(ErrorResponseSchema.parse(local.body)).toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
      conflictingEventIds: [event.eventId],
    });
    const template = synth.templates.get(awsCell.id)!;
    const resources = template.toJSON().Resources as Record<string, CfnResource>;
    const posts = [...resourcesOf(template, 'AWS::ApiGateway::Method').values()].filter((method) =>
      (STAGES as readonly string[]).includes(resources[logicalIdOf(method.Properties.ResourceId)]!.Properties.PathPart),
    );
    expect(posts.length).toBeGreaterThan(0);
    for (const method of posts) expect(method.Properties.Integration.Type).toBe('AWS_PROXY');
    for (const [type, properties] of gatewayResponsesOf(template)) {
      expect(properties.StatusCode, type).not.toBe('409');
      expect(JSON.stringify(properties.ResponseTemplates), type).not.toContain('IDEMPOTENCY');
    }
  });
});
