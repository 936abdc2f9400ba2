import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCellApp, governanceStackId } from '../../cells/app.ts';
import { awsCells, GOVERNANCE } from '../../cells/cells.config.ts';
import { SKIP_BUNDLING_CONTEXT } from '../../cells/constructs/CellFunction.ts';
import { CellDefinitionError, type GovernanceInput } from '../../cells/definition.ts';
import { matchesFilterPattern } from '../../cells/governance/filterPattern/parseFilterPattern.ts';
import { governancePlans } from '../../cells/governance/governancePlan.ts';
import { REMEDIATION_RETRIES } from '../../cells/governance/Remediations.ts';
import type { ValidationReport } from './support/synthCells.ts';
import { type CfnResource, resourcesOf } from './support/templateQueries.ts';

/**
 * The governance stacks of the cells config (one per account and Region that hosts cells): AWS
 * Config rules, remediation, the CloudTrail trail and its detections, as synthesized — and the
 * synthesized filter patterns executed against recorded CloudTrail records.
 */
let outdir: string;
let templates: Map<string, Template>;
let report: ValidationReport;
const t = (account: string, region: string) => templates.get(governanceStackId(account, region))!;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'bems-governance-'));
  const { app, governanceStacks } = createCellApp({
    outdir,
    context: { [SKIP_BUNDLING_CONTEXT]: true },
    cloudFormationValidation: false,
  });
  const assembly = app.synth();
  templates = new Map(
    governanceStacks.map((s) => [s.node.id, Template.fromJSON(assembly.getStackArtifact(s.artifactId).template)]),
  );
  report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const stacks = [
  ['111111111111', 'eu-west-1'],
  ['111111111111', 'us-east-1'],
  ['333333333333', 'eu-central-1'],
] as const;

describe('governance stacks', () => {
  it('exist for every account and Region that hosts a cell, and nowhere else', () => {
    expect([...templates.keys()].sort()).toEqual(stacks.map(([a, r]) => governanceStackId(a, r)).sort());
  });

  it('pass cdk-nag with no unacknowledged finding', () => {
    const governanceViolations = report.pluginReports
      .flatMap((r) => r.violations)
      .filter((v) => v.violatingConstructs?.some((c) => c.constructPath.startsWith('BemsGovernance-')));
    expect(governanceViolations).toEqual([]);
  });
});

describe.each(stacks)('governance of %s in %s', (account, region) => {
  const cellsHere = () => awsCells().filter((c) => c.account === account && c.region === region);

  it('has the AWS managed rules, scoped to BEMS resources by tag', () => {
    const rules = [...resourcesOf(t(account, region), 'AWS::Config::ConfigRule').values()].filter(
      (r) => r.Properties.Source.Owner === 'AWS',
    );
    const identifiers = rules.map((r) => r.Properties.Source.SourceIdentifier);
    expect(identifiers).toEqual(
      expect.arrayContaining([
        'SNS_ENCRYPTED_KMS',
        'LAMBDA_FUNCTION_SETTINGS_CHECK',
        'API_GW_EXECUTION_LOGGING_ENABLED',
        'API_GW_ASSOCIATED_WITH_WAF',
        'CLOUDWATCH_LOG_GROUP_ENCRYPTED',
        'CW_LOGGROUP_RETENTION_PERIOD_CHECK',
        'S3_BUCKET_SSL_REQUESTS_ONLY',
        'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED',
        'CMK_BACKING_KEY_ROTATION_ENABLED',
      ]),
    );
    const sns = rules.find((r) => r.Properties.Source.SourceIdentifier === 'SNS_ENCRYPTED_KMS')!;
    expect(sns.Properties.Scope).toEqual({ TagKey: 'project', TagValue: 'bems' });
    const retention = rules.find((r) => r.Properties.Source.SourceIdentifier === 'CW_LOGGROUP_RETENTION_PERIOD_CHECK')!;
    for (const cell of cellsHere())
      expect(retention.Properties.InputParameters.LogGroupNames).toContain(`/aws/lambda/bems-${cell.id}-ingest`);
  });

  it('has the BEMS rules as Guard custom policies (no Lambda)', () => {
    const guard = [...resourcesOf(t(account, region), 'AWS::Config::ConfigRule').values()].filter(
      (r) => r.Properties.Source.Owner === 'CUSTOM_POLICY',
    );
    expect(guard.map((r) => r.Properties.ConfigRuleName).sort()).toEqual(
      ['bems-archive-retention', 'bems-function-role-and-logs', 'bems-queue-dlq', 'bems-queue-encrypted'].sort(),
    );
    for (const rule of guard) expect(rule.Properties.Source.CustomPolicyDetails.PolicyRuntime).toBe('guard-2.x.x');
    t(account, region).resourceCountIs('AWS::Lambda::Function', 0);
  });

  it('uses the Config recorder the config names', () => {
    const creates = GOVERNANCE.accounts?.find((a) => a.account === account)?.configRecorder === 'create';
    t(account, region).resourceCountIs('AWS::Config::ConfigurationRecorder', creates ? 1 : 0);
    t(account, region).resourceCountIs('AWS::Config::DeliveryChannel', creates ? 1 : 0);
  });

  it('remediates automatically with retry limits, each remediation with its own role SSM alone may assume', () => {
    const template = t(account, region);
    const remediations = [...resourcesOf(template, 'AWS::Config::RemediationConfiguration').values()];
    expect(remediations.length).toBeGreaterThanOrEqual(4);
    const roleIds = new Set<string>();
    for (const r of remediations) {
      expect(r.Properties).toMatchObject({
        Automatic: true,
        MaximumAutomaticAttempts: REMEDIATION_RETRIES.maximumAutomaticAttempts,
        RetryAttemptSeconds: REMEDIATION_RETRIES.retryAttemptSeconds,
        TargetType: 'SSM_DOCUMENT',
      });
      roleIds.add(r.Properties.Parameters.AutomationAssumeRole.StaticValue.Values[0]['Fn::GetAtt'][0]);
    }
    expect(roleIds.size).toBe(remediations.length);
    for (const roleId of roleIds) {
      const role = template.toJSON().Resources[roleId] as CfnResource;
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({ Principal: { Service: 'ssm.amazonaws.com' }, Condition: expect.anything() }),
      ]);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    template.hasResourceProperties('AWS::SSM::Document', {
      Name: 'bems-SetLogGroupRetention',
      DocumentType: 'Automation',
    });
  });

  it("alerts the cells' warning topics of non-compliance and failed remediations", () => {
    const rules = [...resourcesOf(t(account, region), 'AWS::Events::Rule').values()];
    const topicArns = cellsHere().map((c) => `arn:aws:sns:${region}:${account}:bems-${c.id}-alerts-warning`);
    for (const source of ['aws.config', 'aws.ssm']) {
      const rule = rules.find((r) => r.Properties.EventPattern.source[0] === source)!;
      expect(rule.Properties.Name).toMatch(/^bems-governance-/);
      expect(rule.Properties.Targets.map((x: { Arn: string }) => x.Arn).sort()).toEqual(topicArns.sort());
    }
  });
});

describe('the trail', () => {
  it('is an organization trail from the delegated administrator account, in its home Region only', () => {
    t('111111111111', 'us-east-1').resourceCountIs('AWS::CloudTrail::Trail', 0);
    t('111111111111', 'eu-west-1').hasResourceProperties('AWS::CloudTrail::Trail', {
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      IncludeGlobalServiceEvents: true,
      IsLogging: true,
    });
  });

  it('is an account trail elsewhere, encrypted, delivered to CloudWatch Logs, with data events of the BEMS buckets', () => {
    const template = t('333333333333', 'eu-central-1');
    const [trail] = [...resourcesOf(template, 'AWS::CloudTrail::Trail').values()];
    expect(trail!.Properties).toMatchObject({
      IsOrganizationTrail: false,
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
    });
    expect(trail!.Properties.KMSKeyId).toBeDefined();
    expect(trail!.Properties.CloudWatchLogsLogGroupArn).toBeDefined();
    const data = trail!.Properties.AdvancedEventSelectors.find((s: { Name: string }) => s.Name.startsWith('S3 data'));
    expect(data.FieldSelectors).toEqual(
      expect.arrayContaining([
        { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::bems-'] },
        { Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::bems-governance-'] },
      ]),
    );
  });

  it('keeps its log files in a TLS-only bucket with access logging and a lifecycle', () => {
    const template = t('333333333333', 'eu-central-1');
    const buckets = [...resourcesOf(template, 'AWS::S3::Bucket').values()];
    const trailBucket = buckets.find((b) => b.Properties.LoggingConfiguration?.LogFilePrefix === 'trail-bucket/')!;
    expect(trailBucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(2555);
    expect(
      trailBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
        .SSEAlgorithm,
    ).toBe('aws:kms');
    const policies = [...resourcesOf(template, 'AWS::S3::BucketPolicy').values()];
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('the detections as synthesized', () => {
  const template = () => t('111111111111', 'eu-west-1');

  it('alarm to the critical topic on any match, and have a saved query each', () => {
    const filters = [...resourcesOf(template(), 'AWS::Logs::MetricFilter').values()];
    const alarms = [...resourcesOf(template(), 'AWS::CloudWatch::Alarm').values()];
    const queries = [...resourcesOf(template(), 'AWS::Logs::QueryDefinition').values()];
    expect(filters.length).toBeGreaterThanOrEqual(12);
    expect(alarms).toHaveLength(filters.length);
    expect(queries).toHaveLength(filters.length);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({ Threshold: 1, TreatMissingData: 'notBreaching' });
      expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:eu-west-1:111111111111:bems-euw1-a-alerts-critical']);
    }
  });

  it('match the recorded CloudTrail records they were written for', () => {
    const fixture = JSON.parse(
      readFileSync(path.join(import.meta.dirname, '../fixtures/cloudtrail/replay-by-non-operator.json'), 'utf8'),
    ) as { positive: unknown[]; negative: unknown[] };
    const [filter] = [...resourcesOf(template(), 'AWS::Logs::MetricFilter').values()].filter(
      (f) => f.Properties.MetricTransformations[0].MetricName === 'replay-by-non-operator-euw1-a',
    );
    const pattern = filter!.Properties.FilterPattern as string;
    expect(fixture.positive.every((r) => matchesFilterPattern(pattern, r))).toBe(true);
    expect(fixture.negative.some((r) => matchesFilterPattern(pattern, r))).toBe(false);
  });
});

describe('a bad governance block', () => {
  const problemsOf = (governance: GovernanceInput): string[] => {
    try {
      governancePlans(awsCells(), governance);
    } catch (error) {
      expect(error).toBeInstanceOf(CellDefinitionError);
      return [...(error as CellDefinitionError).problems];
    }
    throw new Error('accepted');
  };

  it('refuses a malformed account with its field path', () => {
    expect(problemsOf({ accounts: [{ account: '1111' }] })).toEqual([
      'governance.accounts.0.account: must be a 12-digit AWS account id',
    ]);
  });

  it('refuses a trail mode that does not fit the account', () => {
    expect(
      problemsOf({
        accounts: [
          {
            account: '333333333333',
            organizationRole: 'member',
            organizationId: 'o-a1b2c3d4e5',
            trail: { mode: 'organization' },
          },
        ],
      }),
    ).toEqual([
      expect.stringMatching(
        /^governance\.accounts\.0\.trail\.mode: an organization trail is created from the management or a delegated administrator account; account 333333333333 is "member"/,
      ),
    ]);
    expect(problemsOf({ accounts: [{ account: '333333333333', trail: { homeRegion: 'ap-south-1' } }] })).toEqual([
      expect.stringMatching(/^governance\.accounts\.0\.trail\.homeRegion: ap-south-1 hosts no cell/),
    ]);
  });

  it('refuses a rule set that refers to a missing topic', () => {
    expect(problemsOf({ alerts: { detections: 'pager' as 'critical' } })).toEqual([
      expect.stringMatching(/^governance\.alerts\.detections: /),
    ]);
  });

  it('is refused by the CDK app before any stack is built', () => {
    expect(() => createCellApp({ governance: { accounts: [{ account: '999999999999' }] } })).toThrow(
      'governance.accounts.0.account: account 999999999999 hosts no cell',
    );
  });
});
