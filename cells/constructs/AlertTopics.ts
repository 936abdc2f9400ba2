import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { GOVERNANCE_RULE_PREFIX } from '../governance/GovernanceAlerts.ts';
import type { CellOutputs } from './CellOutputs.ts';
import { SEVERITIES, type Severity } from './defaults.ts';

export interface AlertTopicsProps {
  readonly prefix: string;
  /** E-mail addresses per severity (cell definition `alerts`). */
  readonly subscriptions: Readonly<Record<Severity, readonly string[]>>;
  readonly encryptionKey: kms.IKey;
}

/**
 * One SNS topic per alert severity. CloudWatch alarms and the stuck-event monitor publish here;
 * people subscribe by e-mail (and may add chat or paging integrations to the same topics).
 * Standard topics: e-mail cannot subscribe to FIFO topics, and alerts need no ordering.
 */
export class AlertTopics extends Construct {
  public readonly topics: Readonly<Record<Severity, sns.Topic>>;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const where = `${stack.region}:${stack.account}`;
    const entries = SEVERITIES.map((severity) => {
      const topic = new sns.Topic(this, severity, {
        topicName: `${props.prefix}-alerts-${severity}`,
        displayName: `BEMS ${props.prefix} ${severity}`,
        masterKey: props.encryptionKey,
        enforceSSL: true,
      });
      for (const email of props.subscriptions[severity])
        topic.addSubscription(new subscriptions.EmailSubscription(email));
      // Alarm actions arrive as the CloudWatch service; only this account's alarms may publish.
      allowPublish(topic, 'CloudWatchAlarms', 'cloudwatch.amazonaws.com', `cloudwatch:${where}:alarm:*`);
      // The governance stack of the account and Region reports Config findings and failed
      // remediations here through EventBridge rules named bems-governance-*.
      allowPublish(topic, 'GovernanceRules', 'events.amazonaws.com', `events:${where}:rule/${GOVERNANCE_RULE_PREFIX}*`);
      return [severity, topic] as const;
    });
    this.topics = Object.fromEntries(entries) as Record<Severity, sns.Topic>;
  }

  /** `{"critical": arn, "warning": arn, "info": arn}` for the monitor's `ALERT_TOPIC_ARNS`. */
  topicArns(): Record<Severity, string> {
    return Object.fromEntries(SEVERITIES.map((s) => [s, this.topics[s].topicArn])) as Record<Severity, string>;
  }

  /** Where operators subscribe (SSM parameters of the cell, `CellOutputs`). */
  addOutputs(out: CellOutputs): void {
    for (const severity of SEVERITIES) {
      out.add(`alerts/${severity}`, this.topics[severity].topicArn, `SNS topic of ${severity} alerts`);
    }
  }
}

/** Lets an AWS service publish to `topic` for this account's resources matching `arn:<partition>:<sourceArn>`. */
function allowPublish(topic: sns.Topic, sid: string, service: string, sourceArn: string): void {
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(service)],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:${sourceArn}` },
      },
    }),
  );
}
