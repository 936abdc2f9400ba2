/**
 * The AWS managed Config rules BEMS relies on, as data. `taggable` rules are scoped to resources
 * tagged `project=bems` (every cell stack tags everything it creates); periodic rules evaluate
 * every resource of their type in the Region (Config cannot scope them by tag), and
 * `log-group-retention` names the cells' log groups instead.
 *
 * Not used, on purpose: API_GW_SSL_ENABLED checks a client certificate for HTTP back ends, which a
 * Lambda proxy integration does not have; TLS on the API is the custom domain's TLS 1.2 policy and
 * the default endpoint being off (docs/SECURITY.md). SQS encryption is the Guard rule
 * `queue-encrypted` (a customer-managed key, which no managed rule checks).
 */
export interface ManagedRuleSpec {
  /** Config rule name suffix: the rule is `bems-<name>`. */
  readonly name: string;
  /** The managed rule's source identifier. */
  readonly identifier: string;
  readonly description: string;
  readonly taggable: boolean;
  readonly inputParameters?: Readonly<Record<string, string | number>>;
}

export interface ManagedRuleInputs {
  /** Log groups of the Region's cells (functions and API access/execution logs). */
  readonly logGroupNames: readonly string[];
  /** Days every BEMS log group keeps events at least (CELL_DEFAULTS.logRetention). */
  readonly minLogRetentionDays: number;
}

export function managedRules(inputs: ManagedRuleInputs): ManagedRuleSpec[] {
  return [
    {
      name: 'sns-encrypted-kms',
      identifier: 'SNS_ENCRYPTED_KMS',
      description: 'BEMS SNS topics are encrypted with KMS.',
      taggable: true,
    },
    {
      name: 'lambda-settings',
      identifier: 'LAMBDA_FUNCTION_SETTINGS_CHECK',
      // Only the runtime: the rule wants every function to equal a timeout and memory size, and the
      // plan gives each function its own.
      description: 'BEMS functions run the runtime the cells are built for.',
      taggable: true,
      inputParameters: { runtime: 'nodejs24.x' },
    },
    {
      name: 'lambda-public-access-prohibited',
      identifier: 'LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED',
      description: 'No BEMS function policy lets anyone invoke it.',
      taggable: true,
    },
    {
      name: 'api-gw-execution-logging',
      identifier: 'API_GW_EXECUTION_LOGGING_ENABLED',
      description: 'BEMS API stages log executions (ERROR or INFO).',
      taggable: true,
      inputParameters: { loggingLevel: 'ERROR,INFO' },
    },
    {
      name: 'api-gw-waf',
      identifier: 'API_GW_ASSOCIATED_WITH_WAF',
      description: 'BEMS API stages are protected by a WAF web ACL.',
      taggable: true,
    },
    {
      name: 'api-gw-xray',
      identifier: 'API_GW_XRAY_ENABLED',
      description: 'BEMS API stages trace requests with X-Ray.',
      taggable: true,
    },
    {
      name: 'api-gw-endpoint-regional',
      identifier: 'API_GW_ENDPOINT_TYPE_CHECK',
      description: 'BEMS APIs are Regional (a cell serves its Region; no edge or private endpoint).',
      taggable: true,
      inputParameters: { endpointConfigurationTypes: 'REGIONAL' },
    },
    {
      name: 'log-group-encrypted',
      identifier: 'CLOUDWATCH_LOG_GROUP_ENCRYPTED',
      description: 'Log groups of the Region are encrypted with KMS (periodic, every log group).',
      taggable: false,
    },
    {
      name: 'log-group-retention',
      identifier: 'CW_LOGGROUP_RETENTION_PERIOD_CHECK',
      description: `The cells' log groups keep events at least ${inputs.minLogRetentionDays} days.`,
      taggable: false,
      inputParameters: {
        LogGroupNames: inputs.logGroupNames.join(','),
        MinRetentionTime: inputs.minLogRetentionDays,
      },
    },
    {
      name: 's3-ssl-requests-only',
      identifier: 'S3_BUCKET_SSL_REQUESTS_ONLY',
      description: 'BEMS buckets refuse requests without TLS.',
      taggable: true,
    },
    {
      name: 's3-public-access-prohibited',
      identifier: 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED',
      description: 'BEMS buckets block public access.',
      taggable: true,
    },
    {
      name: 'kms-rotation',
      identifier: 'CMK_BACKING_KEY_ROTATION_ENABLED',
      description: 'Customer-managed keys of the Region rotate (periodic, every key).',
      taggable: false,
    },
    {
      name: 'kms-not-scheduled-for-deletion',
      identifier: 'KMS_CMK_NOT_SCHEDULED_FOR_DELETION',
      description: 'No BEMS key is scheduled for deletion.',
      taggable: true,
    },
  ];
}
