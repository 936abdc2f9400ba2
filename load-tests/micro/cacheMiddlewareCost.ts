/**
 * Client-side CPU per call of the ingest function's three SDK calls — PutEvents of 10 entries,
 * BatchExecuteStatement of 10 claims, BatchWriteItem of 10 puts — with and without the SDK's
 * `cacheMiddleware` (the middleware stack resolved once per command class instead of per call; the
 * ingest clients set it, `handlers/ingest.ts`). The clients are built as the local cell builds them
 * (`loopbackSdkClientConfig`: unsigned) with a request handler that answers every call from memory
 * at once, so what is measured is the SDK client alone: middleware, serde, endpoint, retry. The two
 * settings alternate round by round; compare the CPU per call (`process.threadCpuUsage`).
 *
 *   npx tsx load-tests/micro/cacheMiddlewareCost.ts [--calls 2000] [--rounds 4]
 */
import { loadavg } from 'node:os';
import { BatchExecuteStatementCommand, BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { awsClientConfig } from '../../handlers/shared/awsClientConfig.ts';
import { loopbackSdkClientConfig } from '../../local/cell/wire/loopbackSdkClientConfig.ts';
import { InvoiceEventGenerator } from '../invoiceEventGenerator.ts';
import { BENCH_LAMBDA_ENV } from './benchEmulators.ts';
import { benchFlags } from './benchFlags.ts';

const { calls, rounds } = benchFlags({ calls: 2000, rounds: 4 });
const ANSWERS: Record<string, string> = {
  PutEvents: '{"FailedEntryCount":0,"Entries":[]}',
  BatchExecuteStatement: '{"Responses":[]}',
  BatchWriteItem: '{"UnprocessedItems":{}}',
};
/** Answers each request at once with its operation's empty success (`X-Amz-Target` names it). */
const inMemory = {
  metadata: { handlerProtocol: 'http/1.1' },
  handle: (request: { headers: Record<string, string> }) => {
    const operation = (request.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    const body = new TextEncoder().encode(ANSWERS[operation] ?? '{}');
    return Promise.resolve({ response: { statusCode: 200, headers: { 'content-type': 'application/json' }, body } });
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
  destroy() {},
};
const env = { ...BENCH_LAMBDA_ENV, AWS_ENDPOINT_URL: 'http://127.0.0.1:1' };
function clients(cacheMiddleware: boolean) {
  const config = (service: 'eventbridge' | 'dynamodb', signing: 'events' | 'dynamodb') => ({
    ...loopbackSdkClientConfig(awsClientConfig(service, env, { cacheMiddleware }), signing),
    requestHandler: inMemory,
  });
  return {
    eventBridge: new EventBridgeClient(config('eventbridge', 'events')),
    dynamoDB: new DynamoDBClient(config('dynamodb', 'dynamodb')),
  };
}

const generator = new InvoiceEventGenerator();
const events = (generator.batch(10, 'posting').body as { events: { eventId: string }[] }).events;
const putEvents = new PutEventsCommand({
  Entries: events.map((e) => ({
    EventBusName: 'bus',
    Source: 'bems',
    DetailType: 'invoice',
    Detail: JSON.stringify(e),
  })),
});
const item = (e: { eventId: string }) => ({
  id: { S: `bems-ingest#${e.eventId}` },
  expiration: { N: '1900000000' },
  status: { S: 'INPROGRESS' },
  validation: { S: 'x'.repeat(44) },
});
const claims = new BatchExecuteStatementCommand({
  Statements: events.map((e) => ({
    Statement: `INSERT INTO "t" VALUE {'id': ?, 'expiration': ?, 'status': ?, 'validation': ?}`,
    Parameters: Object.values(item(e)),
  })),
});
const settle = new BatchWriteItemCommand({
  RequestItems: { t: events.map((e) => ({ PutRequest: { Item: item(e) } })) },
});

async function round(cacheMiddleware: boolean): Promise<number> {
  const { eventBridge, dynamoDB } = clients(cacheMiddleware);
  for (let i = 0; i < 50; i++)
    await Promise.all([eventBridge.send(putEvents), dynamoDB.send(claims), dynamoDB.send(settle)]);
  const started = process.threadCpuUsage();
  for (let i = 0; i < calls; i++)
    await Promise.all([eventBridge.send(putEvents), dynamoDB.send(claims), dynamoDB.send(settle)]);
  const used = process.threadCpuUsage(started);
  eventBridge.destroy();
  dynamoDB.destroy();
  return (used.user + used.system) / (calls * 3);
}

console.log(
  `${calls} × (PutEvents, BatchExecuteStatement, BatchWriteItem) per round, load average ${loadavg()[0]!.toFixed(2)}`,
);
const results = { off: [] as number[], on: [] as number[] };
for (let r = 0; r < rounds; r++) {
  for (const on of r % 2 === 0 ? [false, true] : [true, false]) {
    const us = await round(on);
    results[on ? 'on' : 'off'].push(us);
    console.log(`round ${r + 1} cacheMiddleware ${on ? 'on ' : 'off'}: ${us.toFixed(1)} µs CPU per call`);
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  `mean: off ${mean(results.off).toFixed(1)} µs, on ${mean(results.on).toFixed(1)} µs per call, on ÷ off ${(mean(results.on) / mean(results.off)).toFixed(3)}; load average ${loadavg()[0]!.toFixed(2)}`,
);
