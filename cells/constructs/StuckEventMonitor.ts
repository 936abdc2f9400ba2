import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { CellDefinition } from '../definition.ts';
import { type FunctionPlan, functionEnvironment } from '../functionPlan.ts';
import { cellTopology, resourcePrefix } from '../topology.ts';
import type { AlertTopics } from './AlertTopics.ts';
import { acknowledge } from './acknowledge.ts';
import { CellFunction } from './CellFunction.ts';
import { DlqRecoveryStore, MONITOR_STATE_KEY } from './DlqRecoveryStore.ts';
import type { QueueWithDlq } from './QueueWithDlq.ts';
import type { TimeseriesStore } from './TimeseriesStore.ts';

/** Why the Timestream clients need `timestream:DescribeEndpoints` on `*` (shared with the consumers). */
export const TIMESTREAM_ENDPOINT_DISCOVERY =
  'timestream:DescribeEndpoints (Timestream endpoint discovery) has no resource-level permissions';

export interface StuckEventMonitorProps {
  readonly cell: CellDefinition;
  /** The monitor function of the cell's function plan. */
  readonly plan: FunctionPlan<'monitor'>;
  /** Every queue of the cell (inboxes and consumer queues) with its DLQ. */
  readonly queues: readonly QueueWithDlq[];
  readonly alerts: AlertTopics;
  /**
   * The Timestream table of a `timestream` cell: the SLA query and the write probe. A `lakehouse`
   * cell passes none: the monitor then runs its queue, DLQ and backlog checks, reports the SLA check
   * unavailable, and redrives consumer DLQs without a probe (the handler has no Athena SLA source or
   * Firehose probe yet), so its role holds no Timestream permission.
   */
  readonly timeseries?: TimeseriesStore;
  readonly encryptionKey: kms.IKey;
  /** The functions that write failure records (forward, the consume functions): see `DlqRecoveryStore`. */
  readonly failureWriters: readonly CellFunction[];
}

/**
 * The stuck-event monitor (issue 5 brings its logic): runs every minute, reads queue and DLQ
 * depth and age, queries the time series for invoices past their stage SLA, alerts by severity and,
 * when the cell's policy allows, redrives DLQs within a budget.
 *
 * Its environment (`functionEnvironment`, the contract of `schemas/functionEnvironment.ts`) tells
 * `handlers/monitor.ts`:
 * - `CELL_TOPOLOGY`: `MonitorTopology` JSON (`cells/monitorTopology.ts`): queues, DLQs, SLA, receive budgets;
 * - `ALERT_TOPIC_ARNS`: `{"critical": arn, "warning": arn, "info": arn}`;
 * - `TIMESTREAM_DATABASE_NAME`, `TIMESTREAM_TABLE_NAME`: the SLA query (Timestream Query) and the write
 *   probe before a consumer DLQ is redriven;
 * - `REDRIVE_POLICY`: the definition's `redrive` as JSON `{automatic, ratePerSecond, budgetPerMessage}`;
 * - `MONITOR_STATE_BUCKET`, `MONITOR_STATE_KEY`: the S3 object holding the alert state (JSON;
 *   `monitor/alert-state.json` in the parked bucket, ADR 0025), so an alert fires when a condition starts, escalates when it worsens and resolves when it clears,
 *   instead of repeating every minute.
 */
export class StuckEventMonitor extends Construct {
  public readonly handler: CellFunction;
  /** Where the monitor keeps its alert state: `stateKey` in the recovery store's parked bucket. */
  public readonly stateKey = MONITOR_STATE_KEY;
  /** The failure table, the parked store and the operators' role of DLQ recovery. */
  public readonly recovery: DlqRecoveryStore;

  constructor(scope: Construct, id: string, props: StuckEventMonitorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { cell, plan } = props;
    const redrive = cell.redrive;

    const topology = cellTopology(cell);
    this.recovery = new DlqRecoveryStore(this, 'Recovery', {
      cellId: cell.id,
      prefix: resourcePrefix(cell.id),
      failureTableName: topology.failureTable,
      encryptionKey: props.encryptionKey,
      failureWriters: props.failureWriters.map((f) => f.function),
      queues: props.queues,
    });
    const resources = {
      queueUrlPrefix: `https://sqs.${stack.region}.${stack.urlSuffix}/${stack.account}/`,
      alertTopicArns: props.alerts.topicArns(),
      stateStore: { bucketName: this.recovery.parkedBucket.bucketName, key: this.stateKey },
      parkedStore: { bucketName: this.recovery.parkedBucket.bucketName },
    };
    this.handler = new CellFunction(this, 'Monitor', {
      plan,
      environment: functionEnvironment(cell, plan, resources, (value) => stack.toJsonString(value)),
      encryptionKey: props.encryptionKey,
      unscopedActionReasons: [
        ...(props.timeseries ? [TIMESTREAM_ENDPOINT_DISCOVERY] : []),
        'cloudwatch:GetMetricData (oldest-message age of the queues) has no resource-level permissions',
      ],
    });
    const fn = this.handler.function;

    for (const queue of props.queues) {
      queue.queue.grant(fn, 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl');
      // Reading DLQ samples (for the alert text) and parking messages needs receive and delete.
      queue.deadLetterQueue.grantConsumeMessages(fn);
      if (redrive.automatic) {
        queue.queue.grantSendMessages(fn);
        queue.deadLetterQueue.grant(
          fn,
          'sqs:StartMessageMoveTask',
          'sqs:ListMessageMoveTasks',
          'sqs:CancelMessageMoveTask',
        );
      }
    }
    for (const topic of Object.values(props.alerts.topics)) topic.grantPublish(fn);
    if (props.timeseries) {
      // Before redriving a consumer DLQ the monitor writes one probe record: is Timestream healthy again?
      props.timeseries.grantWrite(fn);
      // The SLA check: invoices whose latest event is older than the stage SLA (a Timestream query).
      props.timeseries.grantSelect(fn);
    }
    // SQS reports the age of the oldest message only as a CloudWatch metric.
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['cloudwatch:GetMetricData'], resourceArns: ['*'] });
    this.recovery.grantMonitor(this.handler, props.encryptionKey);
    this.handler.acknowledgeKeyGrantWildcards('kms:GenerateDataKey*', ...(redrive.automatic ? ['kms:ReEncrypt*'] : []));

    // The scheduler's own role, so its one permission (invoke this function) is visible and scoped.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Lets EventBridge Scheduler run ${plan.functionName}`,
    });
    acknowledge(
      scheduleRole,
      `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as never)}.Arn>:*]`,
      'lambda:InvokeFunction on the monitor function and its versions (grantInvoke adds ":*"); nothing else.',
    );

    new scheduler.Schedule(this, 'Schedule', {
      scheduleName: plan.functionName,
      description: 'Runs the BEMS stuck-event monitor every minute',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(plan.scheduleMinutes!)),
      target: new schedulerTargets.LambdaInvoke(fn, {
        role: scheduleRole,
        // A missed run is made up by the next one a minute later; retrying an old run only piles up.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });
  }
}
