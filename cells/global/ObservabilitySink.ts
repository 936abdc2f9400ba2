import { CfnOutput } from 'aws-cdk-lib';
import * as oam from 'aws-cdk-lib/aws-oam';
import { Construct } from 'constructs';

/** What the links share: metrics only (the dashboard and the alarms need nothing else). */
export const SHARED_RESOURCE_TYPES = ['AWS::CloudWatch::Metric'] as const;

export interface ObservabilitySinkProps {
  /** The accounts whose cells in this Region may link to the sink (not the monitoring account itself). */
  readonly sourceAccounts: readonly string[];
}

/**
 * The monitoring account's CloudWatch cross-account observability sink for one Region. Its policy
 * lets exactly the cells' accounts create or update a link, and only for metrics. Its ARN is an output:
 * the link stacks of this Region take it as their `SinkArn` parameter (`global.sinkArns`).
 */
export class ObservabilitySink extends Construct {
  constructor(scope: Construct, id: string, props: ObservabilitySinkProps) {
    super(scope, id);
    // Nothing in the stack refers to the sink: the link stacks take its ARN from the output.
    const sink = new oam.CfnSink(this, 'Sink', {
      name: 'bems-global',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: [...props.sourceAccounts] },
            Action: ['oam:CreateLink', 'oam:UpdateLink'],
            Resource: '*',
            Condition: { 'ForAllValues:StringEquals': { 'oam:ResourceTypes': [...SHARED_RESOURCE_TYPES] } },
          },
        ],
      },
    });
    new CfnOutput(this, 'SinkArn', {
      value: sink.attrArn,
      description: 'OAM sink of the BEMS global view in this Region: the SinkArn of its link stacks (global.sinkArns)',
    });
  }
}
