import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { stagePath } from '../../schemas/apiRoutes.ts';
import { ERROR_CODES } from '../../schemas/errorResponse.ts';
import { requestModelFor } from '../../schemas/requestModel.ts';
import type { Stage } from '../../schemas/stages.ts';
import type { ApiClient, ApiSettings } from '../definition.ts';
import { acknowledge } from './acknowledge.ts';
import type { CellOutputs } from './CellOutputs.ts';
import { CELL_DATA_REMOVAL_POLICY } from './cellData.ts';
import { CELL_DEFAULTS } from './defaults.ts';
import { addGatewayResponses } from './gatewayResponses.ts';

export interface InvoiceApiProps {
  readonly prefix: string;
  readonly stages: readonly Stage[];
  readonly clients: readonly ApiClient[];
  readonly settings: ApiSettings;
  /** The ingest function behind `POST /invoices/<stage>` (Lambda proxy integration). */
  readonly ingestFunction: lambda.IFunction;
  /** Encrypts the access and execution log groups. */
  readonly encryptionKey: kms.IKey;
  /** @default CELL_DEFAULTS.logRetention */
  readonly logRetention?: logs.RetentionDays;
}

/** A client's API key and usage plan. */
export interface ApiClientAccess {
  readonly client: ApiClient;
  readonly apiKey: apigateway.ApiKey;
  readonly usagePlan: apigateway.UsagePlan;
}

/**
 * The cell's REST API: `POST /invoices/<stage>` for upstream systems, `GET /health` for Route 53.
 *
 * Each configured stage is its own resource (`/invoices/posting`) with its own request model
 * (`schemas/requestModel.ts`, generated from that stage's zod schema), so API Gateway refuses an
 * event of the wrong stage before any function runs. The ingest function reads the stage from the
 * resource path (`event.resource`, which a proxy integration passes; a literal resource has no
 * path parameters), as it does in the local cell. Any other `/invoices/{stage}` is answered by a
 * mock with 404 UNKNOWN_STAGE, the code the function gives for a stage it does not serve.
 *
 * Every error API Gateway answers by itself (invalid body, missing key, throttling, quota, WAF)
 * comes back in the ErrorResponse shape `{code, message, issues?, requestId}` of `schemas/`, with
 * the code the local cell gives for the same mistake (`gatewayResponses.ts`, `docs/ERRORS.md`).
 */
const METHOD_LOGGING = {
  metricsEnabled: true,
  loggingLevel: apigateway.MethodLoggingLevel.ERROR,
  // Bodies carry vendor and amount data: never in execution logs.
  dataTraceEnabled: false,
} as const;

export class InvoiceApi extends Construct {
  public readonly api: apigateway.RestApi;
  /** `POST /invoices/<stage>` per configured stage. */
  public readonly invoicesMethods: ReadonlyMap<Stage, apigateway.Method>;
  /** The request model of each stage's POST. */
  public readonly requestModels: ReadonlyMap<Stage, apigateway.Model>;
  /** `POST /invoices/{stage}` for any other stage: a mock answering 404 UNKNOWN_STAGE. */
  public readonly unknownStageMethod: apigateway.Method;
  public readonly healthMethod: apigateway.Method;
  public readonly accessLogGroup: logs.LogGroup;
  public readonly executionLogGroup: logs.LogGroup;
  public readonly clients: readonly ApiClientAccess[];

  constructor(scope: Construct, id: string, props: InvoiceApiProps) {
    super(scope, id);
    const retention = props.logRetention ?? CELL_DEFAULTS.logRetention;
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${props.prefix}-access`,
      retention,
      encryptionKey: props.encryptionKey,
      removalPolicy: CELL_DATA_REMOVAL_POLICY,
    });
    this.api = this.createRestApi(props);

    // API Gateway creates the execution log group on first use, unencrypted and kept forever;
    // creating it first (with the name API Gateway will use) gives it the cell key and a retention.
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${CELL_DEFAULTS.apiStageName}`,
      retention,
      encryptionKey: props.encryptionKey,
      removalPolicy: CELL_DATA_REMOVAL_POLICY,
    });
    this.api.deploymentStage.node.addDependency(this.executionLogGroup);

    const validator = this.api.addRequestValidator('Validator', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const invoices = this.api.root.addResource('invoices');
    const { models, methods } = this.addStageMethods(invoices, props, validator);
    this.requestModels = models;
    this.invoicesMethods = methods;
    this.unknownStageMethod = addUnknownStageMethod(invoices, props.stages);
    this.healthMethod = this.addHealthMethod();
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      acknowledge(
        cloudWatchRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'The account-level API Gateway logging role; AWS documents this managed policy for it, and API Gateway writes log groups it names itself.',
      );
    }

    addGatewayResponses(this.api, props.stages);
    this.clients = props.clients.map((client) => this.addClient(props.prefix, client));
  }

  private createRestApi(props: InvoiceApiProps): apigateway.RestApi {
    return new apigateway.RestApi(this, 'Api', {
      restApiName: `${props.prefix}-api`,
      description: `BEMS invoice events: POST ${props.stages.map(stagePath).join(', ')}`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      apiKeySourceType: apigateway.ApiKeySourceType.HEADER,
      // Access and execution logging need the account-level CloudWatch role. It is shared by every
      // API of the account and Region, so deleting one cell must not take it away from the others —
      // nor a failed create of a second cell (hence Retain, not RetainExceptOnCreate). Its name is
      // generated, so what a failed create leaves cannot block the retry.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: CELL_DEFAULTS.apiStageName,
        description: 'BEMS cell API',
        tracingEnabled: true,
        ...METHOD_LOGGING,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: accessLogFormat(),
        // Stage-wide ceiling; the invoice methods get the cell limits below, /health a trickle.
        throttlingRateLimit: props.settings.rateLimit,
        throttlingBurstLimit: props.settings.burstLimit,
        // A method's own settings replace the stage-wide ones for it, logging and metrics included.
        methodOptions: {
          ...Object.fromEntries(
            props.stages.map((stage) => [
              `${stagePath(stage)}/POST`,
              {
                ...METHOD_LOGGING,
                throttlingRateLimit: props.settings.rateLimit,
                throttlingBurstLimit: props.settings.burstLimit,
              },
            ]),
          ),
          '/health/GET': { ...METHOD_LOGGING, throttlingRateLimit: 20, throttlingBurstLimit: 40 },
        },
      },
    });
  }

  /** `POST /invoices/<stage>` for each configured stage, each with that stage's own request model. */
  private addStageMethods(
    invoices: apigateway.Resource,
    props: InvoiceApiProps,
    validator: apigateway.RequestValidator,
  ): { models: Map<Stage, apigateway.Model>; methods: Map<Stage, apigateway.Method> } {
    const ingest = new apigateway.LambdaIntegration(props.ingestFunction, { proxy: true, allowTestInvoke: false });
    const models = new Map<Stage, apigateway.Model>();
    const methods = new Map<Stage, apigateway.Method>();
    for (const stage of props.stages) {
      const model = this.api.addModel(`Request-${stage}`, requestModelFor(stage));
      const method = invoices.addResource(stage).addMethod('POST', ingest, {
        apiKeyRequired: true,
        requestValidator: validator,
        requestModels: { 'application/json': model },
      });
      acknowledgeApiKeyClients(method);
      models.set(stage, model);
      methods.set(stage, method);
    }
    return { models, methods };
  }

  /**
   * Route 53 health checkers carry no key. The mock answers from API Gateway itself, so the check
   * says "this Region's API is up"; the cell's own health (5xx rate) is a second check.
   */
  private addHealthMethod(): apigateway.Method {
    const method = this.api.root.addResource('health').addMethod(
      'GET',
      new apigateway.MockIntegration({
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"status":"ok"}' } }],
      }),
      { methodResponses: [{ statusCode: '200' }] },
    );
    acknowledge(
      method,
      'AwsSolutions-APIG4',
      'GET /health is a mock for Route 53 health checkers, which cannot send credentials; it reads nothing and is throttled to 20 rps.',
    );
    acknowledge(method, 'AwsSolutions-COG4', 'GET /health is an unauthenticated mock for Route 53 health checkers.');
    return method;
  }

  private addClient(prefix: string, client: ApiClient): ApiClientAccess {
    const apiKey = new apigateway.ApiKey(this, `Key-${client.name}`, {
      apiKeyName: `${prefix}-${client.name}`,
      description: `BEMS client ${client.name}${client.revoked ? ' (revoked)' : ''}`,
      // A revoked client keeps its key and plan (audit trail) but API Gateway refuses it.
      enabled: !client.revoked,
    });
    const usagePlan = new apigateway.UsagePlan(this, `Plan-${client.name}`, {
      name: `${prefix}-${client.name}`,
      description: `Throttle and daily quota of BEMS client ${client.name}`,
      throttle: { rateLimit: client.rateLimit, burstLimit: client.burstLimit },
      quota: { limit: client.quotaPerDay, period: apigateway.Period.DAY },
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    usagePlan.addApiKey(apiKey);
    return { client, apiKey, usagePlan };
  }

  private customDomainUrl?: string;

  /** `https://<id>.execute-api.<region>.amazonaws.com/v1/`, or the cell's own custom domain once it serves the API. */
  get url(): string {
    return this.customDomainUrl ?? this.api.url;
  }

  /**
   * A custom domain serves this API from now on (`https://<cell name>/`, the stage mapped at the
   * root): the default execute-api endpoint is switched off, so nobody can reach the API past the
   * domain's TLS policy, and `url` is the domain's.
   */
  serveFromCustomDomain(url: string): void {
    (this.api.node.defaultChild as apigateway.CfnRestApi).disableExecuteApiEndpoint = true;
    this.customDomainUrl = url;
  }

  /** The InvoiceApi that owns `api`, if it is one. */
  static of(api: apigateway.IRestApi): InvoiceApi | undefined {
    const owner = api.node.scope;
    return owner instanceof InvoiceApi ? owner : undefined;
  }

  /** The invoke URL, the API id and each client's key id, for operator tools (`CellOutputs`). */
  addOutputs(out: CellOutputs): void {
    out.add('api/url', this.url, 'Invoke URL of the cell API (POST {url}invoices/<stage>)');
    out.add('api/id', this.api.restApiId, 'REST API id');
    for (const { client, apiKey } of this.clients) {
      out.add(
        `api/keys/${client.name}`,
        apiKey.keyId,
        `API key id of client ${client.name} (value: aws apigateway get-api-key --include-value)`,
      );
    }
  }
}

function accessLogFormat(): apigateway.AccessLogFormat {
  const f = apigateway.AccessLogField;
  return apigateway.AccessLogFormat.custom(
    JSON.stringify({
      requestId: f.contextRequestId(),
      extendedRequestId: f.contextExtendedRequestId(),
      requestTime: f.contextRequestTimeEpoch(),
      ip: f.contextIdentitySourceIp(),
      userAgent: f.contextIdentityUserAgent(),
      apiKeyId: f.contextIdentityApiKeyId(),
      method: f.contextHttpMethod(),
      path: f.contextPath(),
      resourcePath: f.contextResourcePath(),
      status: f.contextStatus(),
      responseType: f.contextErrorResponseType(),
      error: f.contextErrorMessage(),
      validationError: f.contextErrorValidationErrorString(),
      wafStatus: f.contextWafStatus(),
      responseLength: f.contextResponseLength(),
      responseLatency: f.contextResponseLatency(),
      integrationLatency: f.contextIntegrationLatency(),
      integrationStatus: f.contextIntegrationStatus(),
      xrayTraceId: f.contextXrayTraceId(),
    }),
  );
}

function acknowledgeApiKeyClients(method: apigateway.Method): void {
  acknowledge(
    method,
    'AwsSolutions-APIG4',
    'Callers are server-side finance systems (ERP, AP automation) identified by API key with a per-client usage plan, behind WAF; they cannot sign SigV4 or hold Cognito users.',
  );
  acknowledge(
    method,
    'AwsSolutions-COG4',
    'No end users: machine clients authenticate with API keys and usage plans (see AwsSolutions-APIG4).',
  );
}

/**
 * `POST /invoices/{stage}` for a stage without its own resource: API Gateway answers 404
 * UNKNOWN_STAGE itself (after the key checks, like the function would), so no function runs for it.
 */
function addUnknownStageMethod(invoices: apigateway.IResource, stages: readonly Stage[]): apigateway.Method {
  const body = JSON.stringify({
    code: ERROR_CODES.unknownStage,
    message: `unknown stage; use one of: ${stages.join(', ')}`,
    requestId: '$context.requestId',
  });
  const method = invoices.addResource('{stage}').addMethod(
    'POST',
    new apigateway.MockIntegration({
      requestTemplates: { 'application/json': '{"statusCode": 404}' },
      integrationResponses: [{ statusCode: '404', responseTemplates: { 'application/json': body } }],
    }),
    { apiKeyRequired: true, methodResponses: [{ statusCode: '404' }] },
  );
  acknowledgeApiKeyClients(method);
  return method;
}
