import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { ALERT_ATTRIBUTES, type AlertSeverity } from '../../schemas/alerts.ts';
import type { AlertTransition } from './evaluateAlerts.ts';
import { type AlertMessage, formatAlert } from './formatAlert.ts';

/** Delivers alert notifications (SNS topics by severity on AWS and in the local cell). */
export interface AlertPublisher {
  publish(transition: AlertTransition, message: AlertMessage): Promise<void>;
}

/**
 * Publishes to one standard SNS topic per severity (`ALERT_TOPIC_ARNS`): the subject and text for
 * people, the attributes for machines.
 */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArns: Readonly<Record<AlertSeverity, string>>,
    private readonly cellId: string,
  ) {}

  async publish(transition: AlertTransition, message: AlertMessage = formatAlert(transition, this.cellId)) {
    const { condition } = transition;
    const text = (value: string) => ({ DataType: 'String', StringValue: value });
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArns[transition.severity],
        Subject: message.subject,
        Message: message.text,
        MessageAttributes: {
          [ALERT_ATTRIBUTES.cell]: text(this.cellId),
          [ALERT_ATTRIBUTES.severity]: text(transition.severity),
          [ALERT_ATTRIBUTES.transition]: text(transition.transition),
          [ALERT_ATTRIBUTES.condition]: text(transition.key),
          [ALERT_ATTRIBUTES.kind]: text(condition.kind),
          [ALERT_ATTRIBUTES.count]: { DataType: 'Number', StringValue: String(condition.count) },
          ...(condition.stage ? { [ALERT_ATTRIBUTES.stage]: text(condition.stage) } : {}),
          ...(condition.consumer ? { [ALERT_ATTRIBUTES.consumer]: text(condition.consumer) } : {}),
        },
      }),
    );
  }
}
