import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { NetworkSettings } from '../definition.ts';
import { CELL_DATA_REMOVAL_POLICY } from './cellData.ts';
import { CELL_DEFAULTS } from './defaults.ts';

export interface FargateNetworkProps {
  readonly prefix: string;
  /** The definition's `network`: an existing VPC and its private subnets; absent, the cell creates one. */
  readonly settings?: NetworkSettings;
  /** Encrypts the flow logs of a VPC the cell creates. */
  readonly encryptionKey: kms.IKey;
}

/** Availability Zones of a VPC the cell creates: tasks survive the loss of one. */
const CREATED_VPC_AZS = 2;

/**
 * Where the cell's Fargate consumers run: private subnets only (no task gets a public IP), with a
 * route to the AWS APIs they call (SQS, ECR, CloudWatch Logs, Timestream or Firehose).
 *
 * A VPC the cell creates has a public and a private subnet per Availability Zone and one NAT
 * gateway (egress only; a NAT per zone would triple its fixed cost for a consumer that tolerates a
 * zone's outage by redelivery), and records its traffic in flow logs. A VPC given by id is referenced
 * without a lookup (`fromVpcAttributes`), so synthesis needs no AWS account; its routing and flow
 * logs are its owner's.
 */
export class FargateNetwork extends Construct {
  public readonly vpc: ec2.IVpc;
  /** The subnets the tasks are placed in. */
  public readonly subnets: ec2.SubnetSelection;
  /** Present when the cell created the VPC. */
  public readonly flowLogs?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: FargateNetworkProps) {
    super(scope, id);
    const { settings } = props;
    if (settings) {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: settings.vpcId,
        // The CDK wants a zone per subnet; nothing here places by zone (the service is given the
        // subnets themselves), so CloudFormation's list stands in rather than a lookup.
        availabilityZones: settings.privateSubnetIds.map((_, i) => Fn.select(i, Fn.getAzs())),
        privateSubnetIds: settings.privateSubnetIds,
      });
      this.subnets = { subnets: this.vpc.privateSubnets };
      return;
    }
    const vpc = new ec2.Vpc(this, 'Vpc', {
      vpcName: `${props.prefix}-consumers`,
      // The stack's zones are CloudFormation's (CellStack.availabilityZones): nothing is looked up.
      maxAzs: CREATED_VPC_AZS,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      // The tasks have their own security group; restricting the unused default one would add a custom resource.
      restrictDefaultSecurityGroup: false,
    });
    this.flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      logGroupName: `/vpc/${props.prefix}-consumers/flow-logs`,
      retention: CELL_DEFAULTS.logRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: CELL_DATA_REMOVAL_POLICY,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    this.vpc = vpc;
    this.subnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  }
}
