import { accessRoleName, type CellDefinition } from '../definition.ts';
import { cellTopology, resourcePrefix } from '../topology.ts';
import { all, any, type Condition, eq, ne, notExists, oneOf, present } from './filterPattern/condition.ts';

/**
 * The CloudTrail detections of one account, as data: each is a condition on a CloudTrail record,
 * deployed twice from the same condition — a metric filter (→ alarm → critical topic) and a saved
 * Logs Insights query — and run in `test/unit/governance/detections.test.ts` against recorded
 * CloudTrail records, positive and negative (`test/fixtures/cloudtrail/`).
 */
export interface Detection {
  /** Metric and alarm name part, e.g. `root-use` or `bus-tampering-euw1-a`. */
  readonly id: string;
  readonly title: string;
  /** What it catches and why it matters (docs/SECURITY.md lists these). */
  readonly catches: string;
  /** The cell it watches; absent for account-wide detections. */
  readonly cellId?: string;
  readonly condition: Condition;
}

/** Fields every saved query shows, so an on-call engineer sees who did what from where. */
export const QUERY_FIELDS = [
  '@timestamp',
  'eventSource',
  'eventName',
  'awsRegion',
  'userIdentity.arn',
  'sourceIPAddress',
  'errorCode',
] as const;

/** The role operators assume to replay a cell's archive (cells/constructs/CellAccessRoles.ts builds it). */
export function operatorRoleName(cellId: string): string {
  return accessRoleName(cellId, 'operator');
}

/** CIS AWS Foundations 4.4: the IAM calls that change what a policy allows. */
const IAM_POLICY_EVENTS = [
  'DeleteGroupPolicy',
  'DeleteRolePolicy',
  'DeleteUserPolicy',
  'PutGroupPolicy',
  'PutRolePolicy',
  'PutUserPolicy',
  'CreatePolicy',
  'DeletePolicy',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
  'UpdateAssumeRolePolicy',
];

const API_KEY_EVENTS = [
  'CreateApiKey',
  'UpdateApiKey',
  'DeleteApiKey',
  'ImportApiKeys',
  'CreateUsagePlan',
  'UpdateUsagePlan',
  'DeleteUsagePlan',
  'CreateUsagePlanKey',
  'DeleteUsagePlanKey',
];

const WAF_EVENTS = [
  'UpdateWebACL',
  'DeleteWebACL',
  'AssociateWebACL',
  'DisassociateWebACL',
  'DeleteLoggingConfiguration',
  'UpdateRuleGroup',
  'DeleteRuleGroup',
  'UpdateIPSet',
];

export interface DetectionScope {
  readonly account: string;
  /** `aws` (or a token for it in a stack). */
  readonly partition: string;
  /** Every cell of the account: one multi-Region trail sees them all. */
  readonly cells: readonly CellDefinition[];
}

export function detectionsFor(scope: DetectionScope): Detection[] {
  const regions = [...new Set(scope.cells.map((c) => c.region))];
  return [
    ...accountDetections(),
    ...regions.map((region) => cellKeyDetection(scope, region)),
    ...scope.cells.flatMap((cell) => [queueDetection(scope, cell), busDetection(cell), replayDetection(scope, cell)]),
  ];
}

function accountDetections(): Detection[] {
  return [
    {
      id: 'unauthorized-api-calls',
      title: 'Unauthorized API calls',
      catches:
        'Calls refused for lack of permission (AccessDenied*, *UnauthorizedOperation): a probe with stolen credentials, or a role that lost a grant.',
      // CIS 4.1, without the log-delivery and HeadBucket noise AWS services make themselves.
      condition: all(
        any(eq('$.errorCode', '*UnauthorizedOperation'), eq('$.errorCode', 'AccessDenied*')),
        ne('$.sourceIPAddress', 'delivery.logs.amazonaws.com'),
        ne('$.eventName', 'HeadBucket'),
      ),
    },
    {
      id: 'root-use',
      title: 'Root user activity',
      catches: 'Any call made with the root user: nothing in BEMS needs it.',
      // CIS 4.3: calls AWS makes for the root user itself (invokedBy, AwsServiceEvent) are not use.
      condition: all(
        eq('$.userIdentity.type', 'Root'),
        notExists('$.userIdentity.invokedBy'),
        ne('$.eventType', 'AwsServiceEvent'),
      ),
    },
    {
      id: 'iam-policy-changes',
      title: 'IAM policy changes',
      catches:
        'A policy created, changed, attached or detached, or a trust policy changed: who may do what has changed.',
      condition: all(eq('$.eventSource', 'iam.amazonaws.com'), oneOf('$.eventName', IAM_POLICY_EVENTS)),
    },
    {
      id: 'api-key-changes',
      title: 'API key or usage plan changes',
      catches: 'API keys or usage plans created, changed or deleted: a client gains access or loses its limits.',
      condition: all(eq('$.eventSource', 'apigateway.amazonaws.com'), oneOf('$.eventName', API_KEY_EVENTS)),
    },
    {
      id: 'waf-changes',
      title: 'WAF web ACL changes',
      catches:
        'A web ACL, its rules or IP sets changed, or an ACL detached from an API: the API may have lost its firewall.',
      condition: all(eq('$.eventSource', 'wafv2.amazonaws.com'), oneOf('$.eventName', WAF_EVENTS)),
    },
  ];
}

/**
 * CloudTrail names a KMS key by its ARN only, and the cell key's id is generated at deploy time in
 * another stack (and another Region for some cells), so the detection watches every key of the
 * account in the cell's Region: the cell key among them. Disabling any key there is worth a page.
 */
function cellKeyDetection(scope: DetectionScope, region: string): Detection {
  const cells = scope.cells.filter((c) => c.region === region).map((c) => c.id);
  return {
    id: `kms-key-disabled-${region}`,
    title: `KMS key disabled or scheduled for deletion in ${region}`,
    catches: `DisableKey or ScheduleKeyDeletion on a key in ${region} (the key of cell ${cells.join(', ')}): everything the cell stores becomes unreadable.`,
    condition: all(
      eq('$.eventSource', 'kms.amazonaws.com'),
      oneOf('$.eventName', ['DisableKey', 'ScheduleKeyDeletion']),
      eq('$.resources[0].ARN', `arn:${scope.partition}:kms:${region}:${scope.account}:key/*`),
    ),
  };
}

function queueDetection(scope: DetectionScope, cell: CellDefinition): Detection {
  const prefix = resourcePrefix(cell.id);
  return {
    id: `queue-tampering-${cell.id}`,
    title: `Queues of ${cell.id} purged, deleted or redrive changed`,
    catches: `PurgeQueue or DeleteQueue on a queue of ${cell.id}, or a changed redrive (allow) policy: messages lost, or failures no longer reach the DLQ.`,
    cellId: cell.id,
    condition: all(
      eq('$.eventSource', 'sqs.amazonaws.com'),
      eq('$.requestParameters.queueUrl', `*/${scope.account}/${prefix}-*`),
      any(
        oneOf('$.eventName', ['PurgeQueue', 'DeleteQueue']),
        all(
          eq('$.eventName', 'SetQueueAttributes'),
          any(
            present('$.requestParameters.attributes.RedrivePolicy'),
            present('$.requestParameters.attributes.RedriveAllowPolicy'),
          ),
        ),
      ),
    ),
  };
}

function busDetection(cell: CellDefinition): Detection {
  const { busName, archiveName } = cellTopology(cell);
  return {
    id: `bus-tampering-${cell.id}`,
    title: `Bus or archive of ${cell.id} deleted or disconnected`,
    catches: `DeleteArchive, DeleteEventBus, RemoveTargets or DisableRule on ${busName}: events stop reaching the stages, or the replay source is gone.`,
    cellId: cell.id,
    condition: all(
      eq('$.eventSource', 'events.amazonaws.com'),
      any(
        all(eq('$.eventName', 'DeleteEventBus'), eq('$.requestParameters.name', busName)),
        // The bus is given by name or ARN.
        all(
          oneOf('$.eventName', ['RemoveTargets', 'DisableRule', 'DeleteRule']),
          eq('$.requestParameters.eventBusName', `*${busName}`),
        ),
        all(
          oneOf('$.eventName', ['DeleteArchive', 'UpdateArchive']),
          eq('$.requestParameters.archiveName', `${archiveName}*`),
        ),
      ),
    ),
  };
}

function replayDetection(scope: DetectionScope, cell: CellDefinition): Detection {
  const { archiveName } = cellTopology(cell);
  const operator = operatorRoleName(cell.id);
  return {
    id: `replay-by-non-operator-${cell.id}`,
    title: `Replay of ${cell.id} started by someone other than the operator role`,
    catches: `StartReplay from the archive of ${cell.id} by anyone but ${operator}: a replay re-sends every event of its window downstream.`,
    cellId: cell.id,
    condition: all(
      eq('$.eventSource', 'events.amazonaws.com'),
      eq('$.eventName', 'StartReplay'),
      eq('$.requestParameters.eventSourceArn', `*:archive/${archiveName}*`),
      any(
        notExists('$.userIdentity.arn'),
        ne('$.userIdentity.arn', `arn:${scope.partition}:sts::${scope.account}:assumed-role/${operator}/*`),
      ),
    ),
  };
}
