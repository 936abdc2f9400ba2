import { describe, expect, it } from 'vitest';
import { awsRequestsPer1000 } from '../../load-tests/awsRequestsPer1000.ts';
import { ANALYTIC_FLOOR_PER_1000 } from '../../ops/cost/index.ts';

describe('AWS requests per 1,000 events from the local counts', () => {
  // What the local cell counts for 1,000 events in batches of 10 with one consumer per stage.
  const localCounts = {
    'apigateway:POST /invoices/{stage}': 100,
    'lambda:bems-local-ingest': 100,
    'lambda:bems-local-forward': 100,
    // one consume function per stage
    'lambda:bems-local-consume-ingestion-recorder': 25,
    'lambda:bems-local-consume-reconciliation-recorder': 25,
    'lambda:bems-local-consume-authorization-recorder': 25,
    'lambda:bems-local-consume-posting-recorder': 25,
    'eventbridge:PutEvents': 100,
    // the outbox delivers to the inboxes in batches of 10
    'sqs:SendMessageBatch': 100,
    'sqs:ReceiveMessage': 200,
    'sqs:DeleteMessageBatch': 200,
    'sns:query': 100,
    'timestream:WriteRecords': 100,
  };

  it('reaches the analytic floor for a perfectly batched run', () => {
    const { aws } = awsRequestsPer1000(localCounts, 1000, 1);
    expect(aws).toEqual(ANALYTIC_FLOOR_PER_1000);
  });

  it('replaces the outbox batches with one SendMessage per event and adds SNS deliveries per consumer', () => {
    const { aws, local } = awsRequestsPer1000(localCounts, 1000, 2);
    // 1,000 EventBridge deliveries + 2 × 1,000 SNS deliveries + 400 receives/deletes counted locally
    expect(aws.sqs).toBe(3000 + 400);
    expect(local.sqs).toBe(500);
  });

  it('scales to any number of events and ignores services the cost model does not price', () => {
    const { aws } = awsRequestsPer1000({ ...localCounts, 'unsigned:GET': 7 }, 2000, 1);
    expect(aws.apiGateway).toBe(50);
    expect(aws.lambda).toBe(150);
  });
});
