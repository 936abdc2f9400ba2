/**
 * Client-side CPU of one AWS SDK call as the local cell's handlers make it — EventBridge PutEvents,
 * SNS PublishBatch, Timestream WriteRecords, 10 entries each — under the settings the local cell
 * may give a client (`local/cell/wire/loopbackSdkClientConfig.ts`), without the emulator thread:
 * each client's first call goes over the port to the real emulator, whose answer is then replayed
 * for every later call on the same thread. What is measured is the SDK alone (middleware, endpoint
 * parameters, retries, user agent, serde of the request and of the real answer) and the port
 * handler's request building; not the `postMessage` to the worker, whose cost depends mostly on
 * whether the worker thread sleeps (docs/PERFORMANCE.md, "Downstream main-thread CPU").
 *
 * Variants, interleaved in rotating order, each after its own warm-up:
 * - `plain`: `loopbackSdkClientConfig` without the settings below (the cell before branch downcpu);
 * - `cache`: `cacheMiddleware: true` (the SDK keeps each command's resolved middleware chain
 *   instead of cloning and sorting the stack per call);
 * - `no-ua`: without the cache, and without the user-agent middleware (it escapes and joins the same
 *   strings per call; the cell keeps it: Powertools places its own middleware relative to it);
 * - `cell`: what the local cell uses now (`loopbackSdkClientConfig`: the cache on).
 *
 *   npx tsx load-tests/micro/sdkClientSettings.ts [--calls 2000] [--rounds 5]
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { loopbackSdkClientConfig } from '../../local/cell/wire/loopbackSdkClientConfig.ts';
import { PortRequestHandler, type RequestSender } from '../../local/cell/wire/PortRequestHandler.ts';
import type { SdkHttpResponse } from '../../local/cell/wire/sdkHttp.ts';
import { benchFlags } from './benchFlags.ts';
import { median, type SdkOperation, startSdkBench } from './sdkBench.ts';

const { calls, rounds } = benchFlags({ calls: 2000, rounds: 5 });
const { bench, configs, operations } = await startSdkBench('sdk-settings');
const { emulators } = bench;

/** The emulator's first answer, then the same answer (a fresh copy of its bytes) for every request. */
function replayingSender(): RequestSender {
  let recorded: SdkHttpResponse | undefined;
  return {
    async send(service, request, timeoutMs) {
      if (!recorded) recorded = await emulators.sdkPort.send(service, request, timeoutMs);
      return { ...recorded, headers: { ...recorded.headers }, body: Buffer.from(recorded.body) };
    },
  };
}

type Variant = 'plain' | 'cache' | 'no-ua' | 'cell';
const VARIANTS: readonly Variant[] = ['plain', 'cache', 'no-ua', 'cell'];
type Service = 'events' | 'sns' | 'timestream';

/** The port client config of the local cell, its answers replayed; `plain` and `no-ua` without the middleware cache. */
function clientConfig<C extends (typeof configs)[keyof typeof configs]>(config: C, service: Service, variant: Variant) {
  const local = loopbackSdkClientConfig(config, service, emulators.sdkPort);
  const requestHandler = new PortRequestHandler(replayingSender(), service);
  const cacheMiddleware = variant === 'plain' || variant === 'no-ua' ? false : local.cacheMiddleware;
  return { ...local, requestHandler, cacheMiddleware };
}

function withVariant<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C, variant: Variant): C {
  if (variant === 'no-ua') client.middlewareStack.remove('getUserAgentMiddleware');
  return client;
}

/** One call of `operation` with a client of `variant` (the same client for every call). */
function caller(operation: SdkOperation, variant: Variant): () => Promise<unknown> {
  switch (operation) {
    case 'PutEvents': {
      const client = withVariant(new EventBridgeClient(clientConfig(configs.eventBridge, 'events', variant)), variant);
      return () => operations.PutEvents(client);
    }
    case 'PublishBatch': {
      const client = withVariant(new SNSClient(clientConfig(configs.sns, 'sns', variant)), variant);
      return () => operations.PublishBatch(client);
    }
    case 'WriteRecords': {
      const client = withVariant(
        new TimestreamWriteClient(clientConfig(configs.timestream, 'timestream', variant)),
        variant,
      );
      return () => operations.WriteRecords(client);
    }
  }
}
type Operation = SdkOperation;
const OPERATIONS: readonly Operation[] = ['PutEvents', 'PublishBatch', 'WriteRecords'];

async function measure(operation: Operation, variant: Variant): Promise<number> {
  const call = caller(operation, variant);
  for (let i = 0; i < 300; i += 1) await call();
  const start = process.threadCpuUsage();
  for (let i = 0; i < calls; i += 1) await call();
  const used = process.threadCpuUsage(start);
  return (used.user + used.system) / 1000 / calls;
}

const results = new Map<string, number[]>();
console.log(`${calls} sequential calls per measurement; main-thread CPU ms per call (the SDK, answers replayed)`);
try {
  for (let round = 0; round < rounds; round += 1) {
    for (const operation of OPERATIONS) {
      for (const variant of VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!)) {
        const ms = await measure(operation, variant);
        results.set(`${operation}/${variant}`, [...(results.get(`${operation}/${variant}`) ?? []), ms]);
        console.log(`round ${round + 1} ${operation.padEnd(13)} ${variant.padEnd(6)} ${ms.toFixed(4)} ms`);
      }
    }
  }
  console.log('\nmedian CPU ms per call, and ratio to plain:');
  for (const operation of OPERATIONS) {
    const plain = median(results.get(`${operation}/plain`)!);
    for (const variant of VARIANTS) {
      const value = median(results.get(`${operation}/${variant}`)!);
      console.log(`${operation.padEnd(13)} ${variant.padEnd(6)} ${value.toFixed(4)} ms  ${(value / plain).toFixed(3)}`);
    }
  }
} finally {
  await bench.stop();
}
