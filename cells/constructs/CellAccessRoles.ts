import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { type AccessLevel, accessRoleName, type CellAccess, type CellDefinition } from '../definition.ts';
import { acknowledge } from './acknowledge.ts';
import type { CellOutputs } from './CellOutputs.ts';
import type { QueueWithDlq } from './QueueWithDlq.ts';
import { TIMESTREAM_ENDPOINT_DISCOVERY } from './StuckEventMonitor.ts';
import type { TimeseriesStore } from './TimeseriesStore.ts';

/**
 * What the roles are granted on: the cell stack's public fields (CellStack passes itself), named
 * structurally so this construct does not import the stack.
 */
export interface CellAccessSources {
  readonly cell: CellDefinition;
  readonly prefix: string;
  readonly key: { readonly key: kms.IKey };
  readonly bus: { readonly archive: events.Archive };
  readonly pipelines: readonly {
    readonly inbox: QueueWithDlq;
    readonly consumers: readonly { readonly queue: QueueWithDlq }[];
  }[];
  readonly monitor: {
    /**
     * DLQ recovery (failure records, parked store): what `bems dlq park|peek` and `bems parked` need,
     * and the monitor's alert state `bems status` reads.
     */
    readonly recovery: { grantOperator(role: iam.Role): void; grantReadMonitorState(role: iam.IGrantable): void };
  };
  readonly timeseries?: TimeseriesStore | undefined;
  readonly dashboard: { readonly dashboard: cloudwatch.Dashboard };
  readonly quicksight?: { readonly dashboardId: string } | undefined;
  readonly outputs: CellOutputs;
}

/**
 * Cross-account operations (issue 16): two roles per cell, present when the cell has an `access`
 * block, each assumable only by the configured accounts **and** only with the configured condition
 * (`aws:PrincipalOrgID`, `sts:ExternalId`, or both):
 *
 * - `bems-<cell>-operator` (operations account): what `bems status`, `dlq list|peek`, `redrive`,
 *   `replay` and park/discard need — read the cell's outputs, queue depths, SLA and alerts; receive,
 *   delete and move DLQ messages; send to the cell's own queues; start and follow replays of its
 *   archive; the parked-messages prefix.
 * - `bems-<cell>-readonly` (operations and finance/BI accounts): `bems status` and the dashboards —
 *   reads only, no message content (no ReceiveMessage, no KMS).
 *
 * Every statement names the cell's own resources, except the few actions AWS does not scope
 * (acknowledged with their reason). Sessions last at most an hour; the CLI renews them.
 */
export class CellAccessRoles extends Construct {
  public readonly operator: iam.Role;
  public readonly readOnly: iam.Role;

  /** `access` is the cell's `access` block: `CellStack` adds the roles only to a cell that has one. */
  constructor(scope: Construct, id: string, sources: CellAccessSources, access: CellAccess) {
    super(scope, id);
    this.readOnly = this.createRole('readonly', sources, access);
    this.operator = this.createRole('operator', sources, access);
    this.grantReads(this.readOnly, sources);
    this.grantReads(this.operator, sources);
    this.grantOperations(this.operator, sources);
    if (sources.quicksight) this.grantDashboards(this.readOnly, sources.quicksight.dashboardId);
    for (const [level, role] of [
      ['operator', this.operator],
      ['readonly', this.readOnly],
    ] as const) {
      sources.outputs.add(`access/${level}-role-arn`, role.roleArn, `IAM role bems ${level}s assume for this cell`);
    }
  }

  private createRole(level: AccessLevel, sources: CellAccessSources, access: CellAccess): iam.Role {
    const accounts = level === 'operator' ? [access.operationsAccount] : accountsOf(access);
    const role = new iam.Role(this, level === 'operator' ? 'Operator' : 'ReadOnly', {
      roleName: accessRoleName(sources.cell.id, level),
      description:
        level === 'operator'
          ? `BEMS cell ${sources.cell.id}: status, DLQ peek, redrive, replay, park/discard (bems CLI)`
          : `BEMS cell ${sources.cell.id}: status and dashboards, read only`,
      assumedBy: new iam.AccountPrincipal(accounts[0]!).withConditions(trustConditions(access)),
    });
    for (const account of accounts.slice(1)) {
      role.assumeRolePolicy!.addStatements(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          principals: [new iam.AccountPrincipal(account)],
          conditions: trustConditions(access),
        }),
      );
    }
    return role;
  }

  /** Both roles: what `bems status` reads (outputs, queue depths, SLA query, alert state, alarms, dashboard). */
  private grantReads(role: iam.Role, sources: CellAccessSources): void {
    const stack = Stack.of(this);
    const parameters = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: `bems/${sources.cell.id}`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCellOutputs',
        actions: ['ssm:GetParametersByPath', 'ssm:GetParameter', 'ssm:GetParameters'],
        resources: [parameters, `${parameters}/*`],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeCellStack',
        actions: ['cloudformation:DescribeStacks'],
        resources: [
          stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${sources.prefix}/*` }),
        ],
      }),
    );
    for (const queue of queuesOf(sources)) {
      queue.queue.grant(role, 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl');
      queue.deadLetterQueue.grant(role, 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl');
    }
    sources.monitor.recovery.grantReadMonitorState(role);
    sources.timeseries?.grantSelect(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCellAlarmsAndDashboard',
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetDashboard'],
        resources: [
          stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: `${sources.prefix}-*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
          stack.formatArn({
            service: 'cloudwatch',
            region: '',
            resource: 'dashboard',
            resourceName: sources.dashboard.dashboard.dashboardName,
          }),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReadQueueAgeMetrics', actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      `cloudwatch:GetMetricData (queue ages for bems status) has no resource-level permissions${sources.timeseries ? `; ${TIMESTREAM_ENDPOINT_DISCOVERY}` : ''}.`,
    );
    for (const finding of [
      `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter/bems/${sources.cell.id}/*`,
      `arn:${stack.partition}:cloudformation:${stack.region}:${stack.account}:stack/${sources.prefix}/*`,
      `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${sources.prefix}-*`,
    ]) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::${finding}]`,
        `Scoped to this cell by its name prefix: its SSM outputs under /bems/${sources.cell.id}/, its stack (any stack id), its alarms ${sources.prefix}-*.`,
      );
    }
  }

  /** The operator role: DLQ messages, redrive into the cell's queues, replays, parked messages. */
  private grantOperations(role: iam.Role, sources: CellAccessSources): void {
    const stack = Stack.of(this);
    for (const queue of queuesOf(sources)) {
      // Peek and redrive receive and delete DLQ messages, then send them back to their queue.
      queue.deadLetterQueue.grantConsumeMessages(role);
      queue.deadLetterQueue.grant(
        role,
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
        'sqs:CancelMessageMoveTask',
      );
      queue.queue.grantSendMessages(role);
    }
    const archive = sources.bus.archive.archiveArn;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReplayTheArchive',
        actions: ['events:StartReplay', 'events:DescribeArchive'],
        resources: [archive],
      }),
    );
    const replays = stack.formatArn({ service: 'events', resource: 'replay', resourceName: 'bems-*' });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'FollowReplays',
        actions: ['events:DescribeReplay', 'events:CancelReplay'],
        resources: [replays],
      }),
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:${stack.partition}:events:${stack.region}:${stack.account}:replay/bems-*]`,
      'Replay names are chosen per run by bems replay (bems-<stage|all>-<time>-<nonce>); the replays themselves can only read this cell archive.',
    );
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Action::${action}]`,
        `${action} is how grantSendMessages on the cell's KMS-encrypted queues lets a redrive send (the cell key is the only key in the statement).`,
      );
    }
    sources.monitor.recovery.grantOperator(role);
  }

  /** The read-only role may open the cell's QuickSight dashboard (its sessions registered as QuickSight readers). */
  private grantDashboards(role: iam.Role, dashboardId: string): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'OpenQuickSightDashboard',
        actions: ['quicksight:DescribeDashboard'],
        resources: [
          Stack.of(this).formatArn({ service: 'quicksight', resource: 'dashboard', resourceName: dashboardId }),
        ],
      }),
    );
  }
}

function accountsOf(access: CellAccess): string[] {
  return [...new Set([access.operationsAccount, ...(access.financeAccount ? [access.financeAccount] : [])])];
}

/** The condition every trust statement carries: the organization, the ExternalId, or both. */
function trustConditions(access: CellAccess): Record<string, Record<string, string>> {
  return {
    StringEquals: {
      ...(access.principalOrgId ? { 'aws:PrincipalOrgID': access.principalOrgId } : {}),
      ...(access.externalId ? { 'sts:ExternalId': access.externalId } : {}),
    },
  };
}

function queuesOf(sources: CellAccessSources): QueueWithDlq[] {
  return sources.pipelines.flatMap((p) => [p.inbox, ...p.consumers.map((c) => c.queue)]);
}
