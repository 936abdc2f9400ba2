import { METERED_SERVICES, type MeteredService, type RequestsPer1000 } from '../ops/cost/index.ts';

/** Local-cell service names (RequestCounter / emulators) → the cost model's services. */
const SERVICE_OF: Record<string, MeteredService> = {
  apigateway: 'apiGateway',
  lambda: 'lambda',
  eventbridge: 'eventBridge',
  events: 'eventBridge',
  sns: 'sns',
  sqs: 'sqs',
  timestream: 'timestream',
};

/**
 * AWS requests per 1,000 events from the emulators' counts. Two deliveries are service-to-service
 * on AWS and are added as AWS makes them: EventBridge sends each event to its SQS target as one
 * SendMessage (the local outbox batches them, so its SendMessageBatch calls are replaced), and SNS
 * delivers each message to each subscribed SQS queue (inside fauxqs, so never counted locally).
 */
export function awsRequestsPer1000(
  byAction: Record<string, number>,
  events: number,
  consumersPerStage: number,
): { aws: RequestsPer1000; local: Record<string, number> } {
  const local: Record<string, number> = {};
  let localSqsDeliveries = 0;
  for (const [key, count] of Object.entries(byAction)) {
    const [service = '', action = ''] = key.split(':');
    local[service] = (local[service] ?? 0) + count;
    if (service === 'sqs' && action.startsWith('SendMessage')) localSqsDeliveries += count;
  }
  const per1000 = (n: number) => (events > 0 ? (n / events) * 1000 : 0);
  const aws = Object.fromEntries(METERED_SERVICES.map((s) => [s, 0])) as Record<MeteredService, number>;
  for (const [service, count] of Object.entries(local)) {
    const mapped = SERVICE_OF[service];
    if (mapped) aws[mapped] += per1000(count);
  }
  aws.sqs += per1000(events * (1 + consumersPerStage) - localSqsDeliveries);
  return { aws, local: Object.fromEntries(Object.entries(local).map(([s, n]) => [s, per1000(n)])) };
}
