import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RUNTIME_ENV } from '../../schemas/functionEnvironment.ts';
import type { CellDefinition } from '../definition.ts';
import { functionEnvironment, pollerEnvironment, type ServicePlan } from '../functionPlan.ts';
import { acknowledge } from './acknowledge.ts';
import { CELL_DATA_REMOVAL_POLICY } from './cellData.ts';
import type { ConsumerStore } from './consumerStore.ts';
import { CELL_DEFAULTS } from './defaults.ts';
import type { QueueWithDlq } from './QueueWithDlq.ts';
import { TIMESTREAM_ENDPOINT_DISCOVERY } from './StuckEventMonitor.ts';

export interface FargateConsumerProps {
  readonly cell: CellDefinition;
  readonly plan: ServicePlan;
  /** The consumer's FIFO queue of the plan's stage. */
  readonly queue: QueueWithDlq;
  readonly cluster: ecs.ICluster;
  readonly subnets: ec2.SubnetSelection;
  /** The poller image (one asset for every Fargate consumer of the cell). */
  readonly image: ecs.ContainerImage;
  readonly store: ConsumerStore;
  readonly encryptionKey: kms.IKey;
}

/** The tags the stack puts on every resource (`CellStack`). */
const CELL_TAG_KEYS = ['bems:cell', 'project'];

/** ECS's longest stop timeout: SIGTERM, then this long to finish the batch before SIGKILL. */
const STOP_TIMEOUT = Duration.seconds(120);

/**
 * One `fargate` consumer of one stage (DESIGN §2, "Lambda or Fargate for longer-running processing"):
 * an ECS Fargate service on arm64 in private subnets without a public IP, running the consume handler
 * under the poller runtime with the environment a consume function would get, plus the poller's.
 *
 * Its task role may consume its one queue and write to the store, nothing else; its log group is its
 * own. It scales with target tracking on the backlog per task: the queue's visible messages divided
 * by the service's running tasks (Container Insights), held at `backlogPerTask`, between `minTasks`
 * and `maxTasks`. A scale-in stops a task with SIGTERM, which drains its batch.
 */
export class FargateConsumer extends Construct {
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly service: ecs.FargateService;
  public readonly logGroup: logs.LogGroup;
  public readonly scaling: appscaling.CfnScalingPolicy;

  constructor(scope: Construct, id: string, props: FargateConsumerProps) {
    super(scope, id);
    const { plan, queue } = props;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/ecs/${plan.functionName}`,
      retention: CELL_DEFAULTS.logRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: CELL_DATA_REMOVAL_POLICY,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: plan.functionName,
      cpu: plan.fargate.cpu,
      memoryLimitMiB: plan.fargate.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskDefinition.addContainer('Poller', {
      image: props.image,
      environment: {
        ...functionEnvironment(props.cell, plan, {}),
        ...pollerEnvironment(plan, { url: queue.queue.queueUrl, arn: queue.queue.queueArn }),
        // Lambda sets the Region for a function; a container is told.
        [RUNTIME_ENV.region]: Stack.of(this).region,
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'poller' }),
      readonlyRootFilesystem: true,
      user: 'node',
      stopTimeout: STOP_TIMEOUT,
    });
    const taskRole = this.taskDefinition.taskRole;
    queue.queue.grantConsumeMessages(taskRole);
    props.store.grantWrite(taskRole);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: `${plan.functionName}: no inbound, outbound to the AWS APIs`,
      allowAllOutbound: true,
    });
    this.service = new ecs.FargateService(this, 'Service', {
      serviceName: plan.functionName,
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: plan.fargate.minTasks,
      assignPublicIp: false,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      circuitBreaker: { enable: true, rollback: true },
      // A deployment starts the new tasks before it stops the old ones: the queue is never unserved.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });
    this.scaling = this.scaleOnBacklog(props);
    this.acknowledgeFindings(props);
  }

  /** Target tracking on visible messages per running task (metric math over SQS and Container Insights). */
  private scaleOnBacklog(props: FargateConsumerProps): appscaling.CfnScalingPolicy {
    const { plan, queue } = props;
    const target = new appscaling.ScalableTarget(this, 'ScalableTarget', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      resourceId: `service/${props.cluster.clusterName}/${this.service.serviceName}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: plan.fargate.minTasks,
      maxCapacity: plan.fargate.maxTasks,
      // Application Auto Scaling's own service-linked role for ECS, not a role of ours to maintain.
      role: iam.Role.fromRoleArn(
        this,
        'ScalingRole',
        `arn:${Stack.of(this).partition}:iam::${Stack.of(this).account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
      ),
    });
    // cfn-lint 1.51's schema of the scalable target has no Tags (CloudFormation's does); leave them off.
    for (const key of CELL_TAG_KEYS) Tags.of(target).remove(key, { priority: 300 });
    // The CDK's target tracking takes one plain metric; backlog per task is metric math, so L1.
    return new appscaling.CfnScalingPolicy(this, 'BacklogPerTask', {
      policyName: `${plan.functionName}-backlog-per-task`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.scalableTargetId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: plan.fargate.backlogPerTask,
        scaleOutCooldown: 60,
        scaleInCooldown: 300,
        customizedMetricSpecification: {
          metrics: [
            {
              id: 'visible',
              returnData: false,
              metricStat: {
                metric: {
                  namespace: 'AWS/SQS',
                  metricName: 'ApproximateNumberOfMessagesVisible',
                  dimensions: [{ name: 'QueueName', value: queue.queue.queueName }],
                },
                stat: 'Sum',
              },
            },
            {
              id: 'tasks',
              returnData: false,
              metricStat: {
                metric: {
                  namespace: 'ECS/ContainerInsights',
                  metricName: 'RunningTaskCount',
                  dimensions: [
                    { name: 'ClusterName', value: props.cluster.clusterName },
                    { name: 'ServiceName', value: this.service.serviceName },
                  ],
                },
                stat: 'Average',
              },
            },
            // minTasks ≥ 1 (the definition), so a running service never divides by zero.
            {
              id: 'backlogPerTask',
              expression: 'visible / tasks',
              label: 'Visible messages per task',
              returnData: true,
            },
          ],
        },
      },
    });
  }

  private acknowledgeFindings(props: FargateConsumerProps): void {
    acknowledge(
      this.taskDefinition,
      'AwsSolutions-ECS2',
      "The environment holds names and settings (queue URL, table or stream name, poller settings), never a secret; it is the same contract as the consume functions' (schemas/functionEnvironment.ts).",
    );
    if (props.store.endpointDiscovery)
      acknowledge(
        this.taskDefinition.taskRole,
        'AwsSolutions-IAM5[Resource::*]',
        `${TIMESTREAM_ENDPOINT_DISCOVERY}. Every other statement is scoped to this cell by grant*.`,
      );
    acknowledge(
      this.taskDefinition,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken (pulling the poller image) has no resource-level permissions; the pull itself is scoped to the asset repository.',
    );
  }
}
