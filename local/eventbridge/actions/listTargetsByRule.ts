import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { EVENTBRIDGE_LIMITS } from '../limits.ts';
import { type ActionInput, type ListOutput, listPage, read } from './input.ts';
import { findRule } from './lookup.ts';

/** A rule's target as ListTargetsByRule reports it. */
interface TargetArn {
  Id: string;
  Arn: string;
}

/** ListTargetsByRule. Targets are SQS queues; their ARN is derived from the queue URL (`…/<account>/<name>`). */
export function listTargetsByRule(input: ActionInput, store: EventBridgeStore): ListOutput<'Targets', TargetArn> {
  const rule = findRule(
    store,
    read.optionalString(input, 'EventBusName'),
    read.requiredString(input, 'Rule', { pattern: EVENTBRIDGE_LIMITS.ruleName }),
  );
  const { region, account } = store.topology;
  return listPage('Targets', rule.targets, input, (target) => ({
    Id: target.id,
    Arn: queueArn(target.queueUrl, region, account),
  }));
}

function queueArn(queueUrl: string, region: string, account: string): string {
  const [queueName = '', owner] = new URL(queueUrl).pathname.split('/').filter(Boolean).reverse();
  return `arn:aws:sqs:${region}:${owner && /^\d{12}$/.test(owner) ? owner : account}:${queueName}`;
}
