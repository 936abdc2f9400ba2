import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { PROJECT_ROOT } from '../../cells/constructs/CellFunction.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import { ErrorResponseSchema } from '../../schemas/errorResponse.ts';
import { requestModelName } from '../../schemas/requestModel.ts';
import { STAGES } from '../../schemas/stages.ts';
import {
  type GatewayContext,
  gatewayResponsesOf,
  renderGatewayResponse,
  renderTemplate,
} from './support/gatewayResponses.ts';
import { type SynthesizedCells, synthCells, variantCell } from './support/synthCells.ts';
import { byName, type CfnResource, logicalIdOf, resourcesOf, statementsOfRole } from './support/templateQueries.ts';

/** The API of a cell: route, validation, error shapes, keys and plans, throttling, logs, tracing, WAF. */
let synth: SynthesizedCells;
const cells: CellDefinition[] = [...awsCells(), variantCell()];
const template = (cellId: string): Template => synth.templates.get(cellId)!;

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

function method(t: Template, httpMethod: string): [string, CfnResource] {
  const found = [...resourcesOf(t, 'AWS::ApiGateway::Method')].filter(
    ([, m]) => m.Properties.HttpMethod === httpMethod,
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The POST methods of the API by the path part of their resource (`posting`, …, `{stage}`). */
function postsByPathPart(t: Template): Map<string, CfnResource> {
  const resources = t.toJSON().Resources as Record<string, CfnResource>;
  return new Map(
    [...resourcesOf(t, 'AWS::ApiGateway::Method')]
      .filter(([, m]) => m.Properties.HttpMethod === 'POST')
      .map(([, m]) => [resources[logicalIdOf(m.Properties.ResourceId)]!.Properties.PathPart as string, m]),
  );
}

function committedModel(stage: string): unknown {
  return JSON.parse(
    readFileSync(path.join(PROJECT_ROOT, 'schemas', 'generated', 'api-gateway', `${stage}.json`), 'utf8'),
  );
}

/** What API Gateway substitutes into the templates of its own answers. */
const CONTEXT: GatewayContext = {
  requestId: 'c0ffee00-0000-4000-8000-000000000000',
  messageString: 'Forbidden',
  responseType: 'DEFAULT_4XX',
  validationErrorString: '[instance value ("x") not found in enum]',
};

describe.each(cells.map((cell) => [cell.id, cell] as const))('cell %s API', (cellId, cell) => {
  it('is one Regional REST API with POST /invoices/<stage> per stage behind an API key and the ingest function', () => {
    const t = template(cellId);
    t.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: `bems-${cellId}-api`,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      ApiKeySourceType: 'HEADER',
    });
    t.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'invoices' });
    const posts = postsByPathPart(t);
    expect([...posts.keys()].sort()).toEqual([...STAGES, '{stage}'].sort());
    const ingestId = invokedIngest(t, cellId);
    for (const stage of STAGES) {
      const post = posts.get(stage)!;
      expect(post.Properties, stage).toMatchObject({
        ApiKeyRequired: true,
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
      // A literal resource: the function reads the stage from the resource path, not a path parameter.
      expect(post.Properties.RequestParameters, stage).toBeUndefined();
      expect(JSON.stringify(post.Properties.Integration.Uri), stage).toContain(ingestId);
    }
  });

  it("validates each stage's body against that stage's own model, the committed API Gateway model", () => {
    const t = template(cellId);
    const resources = t.toJSON().Resources as Record<string, CfnResource>;
    const posts = postsByPathPart(t);
    t.resourceCountIs('AWS::ApiGateway::Model', STAGES.length);
    for (const stage of STAGES) {
      const post = posts.get(stage)!;
      const validator = resources[logicalIdOf(post.Properties.RequestValidatorId)]!;
      expect(validator.Properties).toMatchObject({ ValidateRequestBody: true, ValidateRequestParameters: true });
      const model = resources[logicalIdOf(post.Properties.RequestModels['application/json'])]!;
      expect(model.Properties, stage).toMatchObject({ ContentType: 'application/json', Name: requestModelName(stage) });
      expect(model.Properties.Schema, stage).toEqual(committedModel(stage));
      // The model admits this stage only, so a posting event sent to reconciliation stops at API Gateway.
      expect(JSON.stringify(model.Properties.Schema.anyOf[0].properties.stage), stage).toBe(
        JSON.stringify({ default: stage, enum: [stage], type: 'string' }),
      );
    }
  });

  it('answers any other stage from API Gateway itself (a mock, after the key check) with 404 UNKNOWN_STAGE', () => {
    const post = postsByPathPart(template(cellId)).get('{stage}')!;
    expect(post.Properties).toMatchObject({ ApiKeyRequired: true, Integration: { Type: 'MOCK' } });
    const [response] = post.Properties.Integration.IntegrationResponses;
    expect(response.StatusCode).toBe('404');
    const body = ErrorResponseSchema.parse(
      JSON.parse(renderTemplate(response.ResponseTemplates['application/json'], CONTEXT)),
    );
    expect(body.code).toBe('UNKNOWN_STAGE');
    for (const stage of STAGES) expect(body.message).toContain(stage);
  });

  it('answers GET /health from API Gateway itself, without a key, for Route 53', () => {
    const [, health] = method(template(cellId), 'GET');
    expect(health.Properties).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'MOCK' } });
    expect(health.Properties.ApiKeyRequired).toBeUndefined();
  });

  it('answers every API Gateway error in the ErrorResponse shape, with what was invalid', () => {
    const responses = gatewayResponsesOf(template(cellId));
    const expected: Record<string, [number | undefined, string, string?]> = {
      BAD_REQUEST_BODY: [400, 'VALIDATION_FAILED'],
      BAD_REQUEST_PARAMETERS: [400, 'VALIDATION_FAILED'],
      INVALID_API_KEY: [403, 'FORBIDDEN'],
      MISSING_AUTHENTICATION_TOKEN: [404, 'NOT_FOUND'],
      RESOURCE_NOT_FOUND: [404, 'NOT_FOUND'],
      ACCESS_DENIED: [403, 'FORBIDDEN'],
      WAF_FILTERED: [403, 'FORBIDDEN'],
      THROTTLED: [429, 'THROTTLED', '1'],
      QUOTA_EXCEEDED: [429, 'QUOTA_EXCEEDED', '3600'],
      REQUEST_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE'],
      UNSUPPORTED_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE'],
      INTEGRATION_TIMEOUT: [504, 'INTERNAL_ERROR'],
      DEFAULT_4XX: [undefined, 'DEFAULT_4XX'],
      DEFAULT_5XX: [undefined, 'INTERNAL_ERROR'],
    };
    expect([...responses.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [type, [status, code, retryAfter]] of Object.entries(expected)) {
      const rendered = renderGatewayResponse(responses.get(type)!, CONTEXT);
      expect(rendered.status, type).toBe(status);
      expect(rendered.headers, type).toEqual({
        'content-type': 'application/json',
        ...(retryAfter ? { 'retry-after': retryAfter } : {}),
      });
      const body = ErrorResponseSchema.parse(rendered.body);
      expect(body.code, type).toBe(code);
      expect(body.requestId).toBe('c0ffee00-0000-4000-8000-000000000000');
    }
    const invalidBody = ErrorResponseSchema.parse(
      renderGatewayResponse(responses.get('BAD_REQUEST_BODY')!, CONTEXT).body,
    );
    expect(invalidBody.issues).toEqual([{ path: '', message: '[instance value ("x") not found in enum]' }]);
    const notFound = ErrorResponseSchema.parse(
      renderGatewayResponse(responses.get('MISSING_AUTHENTICATION_TOKEN')!, CONTEXT).body,
    );
    for (const stage of STAGES) expect(notFound.message).toContain(stage);
  });

  it('issues one API key and one usage plan per client, with its throttle and daily quota', () => {
    const t = template(cellId);
    t.resourceCountIs('AWS::ApiGateway::ApiKey', cell.apiClients.length);
    t.resourceCountIs('AWS::ApiGateway::UsagePlan', cell.apiClients.length);
    t.resourceCountIs('AWS::ApiGateway::UsagePlanKey', cell.apiClients.length);
    for (const client of cell.apiClients) {
      t.hasResourceProperties('AWS::ApiGateway::ApiKey', {
        Name: `bems-${cellId}-${client.name}`,
        Enabled: !client.revoked,
      });
      const [, plan] = byName(t, 'AWS::ApiGateway::UsagePlan', 'UsagePlanName', `bems-${cellId}-${client.name}`);
      expect(plan.Properties).toMatchObject({
        Throttle: { RateLimit: client.rateLimit, BurstLimit: client.burstLimit },
        Quota: { Limit: client.quotaPerDay, Period: 'DAY' },
      });
      expect(plan.Properties.ApiStages).toHaveLength(1);
    }
    // API Gateway generates the key values; none is in the template.
    for (const [, key] of resourcesOf(t, 'AWS::ApiGateway::ApiKey')) expect(key.Properties.Value).toBeUndefined();
  });

  it('refuses a revoked client (disabled key) but keeps its key and plan', () => {
    const t = template(cellId);
    const revoked = cell.apiClients.filter((c) => c.revoked);
    const disabled = Object.keys(t.findResources('AWS::ApiGateway::ApiKey', { Properties: { Enabled: false } }));
    expect(disabled).toHaveLength(revoked.length);
  });

  it('throttles the invoice method at the cell limit and keeps execution logs at ERROR without bodies', () => {
    const t = template(cellId);
    const [, stage] = [...resourcesOf(t, 'AWS::ApiGateway::Stage')][0]!;
    expect(stage.Properties.StageName).toBe('v1');
    const settings = stage.Properties.MethodSettings as Record<string, unknown>[];
    const logging = { LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true };
    expect(settings).toContainEqual({
      HttpMethod: '*',
      ResourcePath: '/*',
      ThrottlingRateLimit: cell.api.rateLimit,
      ThrottlingBurstLimit: cell.api.burstLimit,
      ...logging,
    });
    for (const stage of STAGES) {
      expect(settings).toContainEqual({
        HttpMethod: 'POST',
        ResourcePath: `/~1invoices~1${stage}`,
        ThrottlingRateLimit: cell.api.rateLimit,
        ThrottlingBurstLimit: cell.api.burstLimit,
        ...logging,
      });
    }
    expect(settings).toContainEqual({
      HttpMethod: 'GET',
      ResourcePath: '/~1health',
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 40,
      ...logging,
    });
  });

  it('traces with X-Ray and writes JSON access logs to an encrypted log group', () => {
    const t = template(cellId);
    const [, stage] = [...resourcesOf(t, 'AWS::ApiGateway::Stage')][0]!;
    expect(stage.Properties.TracingEnabled).toBe(true);
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      apiKeyId: '$context.identity.apiKeyId',
      status: '$context.status',
      validationError: '$context.error.validationErrorString',
      wafStatus: '$context.waf.status',
    });
    const [accessLogsId] = byName(t, 'AWS::Logs::LogGroup', 'LogGroupName', `/aws/apigateway/bems-${cellId}-access`);
    expect(JSON.stringify(stage.Properties.AccessLogSetting.DestinationArn)).toContain(accessLogsId);
  });

  it('creates the execution log group itself (encrypted, with retention) before the stage', () => {
    const t = template(cellId);
    const groups = [...resourcesOf(t, 'AWS::Logs::LogGroup')].filter(([, g]) =>
      JSON.stringify(g.Properties.LogGroupName).includes('API-Gateway-Execution-Logs_'),
    );
    expect(groups).toHaveLength(1);
    const [groupId, group] = groups[0]!;
    expect(group.Properties.RetentionInDays).toBe(90);
    const [, stage] = [...resourcesOf(t, 'AWS::ApiGateway::Stage')][0]!;
    expect(stage.DependsOn).toContain(groupId);
  });

  it('puts the stage behind a WAF web ACL: rate limit per IP, known bad inputs, common rules', () => {
    const t = template(cellId);
    t.resourceCountIs('AWS::WAFv2::WebACL', 1);
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Priority: 0,
          Action: {
            Block: {
              CustomResponse: {
                ResponseCode: 429,
                CustomResponseBodyKey: 'rateLimited',
                ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }],
              },
            },
          },
          Statement: {
            RateBasedStatement: {
              AggregateKeyType: 'IP',
              EvaluationWindowSec: 60,
              Limit: cell.api.wafRequestsPerMinutePerIp,
            },
          },
        }),
        Match.objectLike({
          Name: 'AWSManagedRulesKnownBadInputsRuleSet',
          OverrideAction: { None: {} },
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
        }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          OverrideAction: { None: {} },
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            },
          },
        }),
      ],
    });
    const [, association] = [...resourcesOf(t, 'AWS::WAFv2::WebACLAssociation')][0]!;
    const [stageId] = [...resourcesOf(t, 'AWS::ApiGateway::Stage')][0]!;
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(stageId);
  });

  it('runs ingest on nodejs24.x arm64 with tracing, its bus and stages, and PutEvents on that bus only', () => {
    const t = template(cellId);
    const [ingestId, ingest] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-ingest`);
    expect(ingest.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 10,
      LoggingConfig: { LogFormat: 'JSON' },
    });
    expect(ingest.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(ingest.Properties.Environment.Variables).toMatchObject({
      CELL_ID: cellId,
      EVENT_BUS_NAME: `bems-${cellId}-bus`,
      STAGES: STAGES.join(','),
      // Events older than the table's magnetic retention (less a day of margin) are refused at the API.
      MAX_EVENT_AGE_DAYS: String(cell.timestream.magneticRetentionDays - 1),
      POWERTOOLS_SERVICE_NAME: 'bems-ingest',
      POWERTOOLS_METRICS_NAMESPACE: 'BEMS',
    });
    const roleId = logicalIdOf(ingest.Properties.Role);
    const statements = statementsOfRole(t, roleId);
    const putEvents = statements.filter((s) => s.Action === 'events:PutEvents');
    expect(putEvents).toHaveLength(1);
    const [busId] = [...resourcesOf(t, 'AWS::Events::EventBus')][0]!;
    expect(logicalIdOf(putEvents[0].Resource)).toBe(busId);
    const invoked = invokedIngest(t, cellId);
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: invoked === ingestId ? { 'Fn::GetAtt': [ingestId, 'Arn'] } : { Ref: invoked },
      Principal: 'apigateway.amazonaws.com',
    });
  });
});

/**
 * What API Gateway invokes for ingest: the function, or its `live` alias when the cell gives ingest
 * provisioned concurrency (test/infra/provisionedConcurrency.test.ts).
 */
function invokedIngest(t: Template, cellId: string): string {
  const [ingestId] = byName(t, 'AWS::Lambda::Function', 'FunctionName', `bems-${cellId}-ingest`);
  const alias = [...resourcesOf(t, 'AWS::Lambda::Alias')].find(
    ([, a]) => logicalIdOf(a.Properties.FunctionName) === ingestId,
  );
  return alias ? alias[0] : ingestId;
}
