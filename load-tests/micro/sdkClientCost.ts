/**
 * Client-side CPU of the handlers' AWS SDK calls in the local cell — EventBridge PutEvents,
 * SNS PublishBatch and Timestream WriteRecords, 10 entries each — with the SDK client as a handler
 * builds it from its environment (`default`) and with the local cell's cheaper settings
 * (`local/cell/wire/loopbackSdkClientConfig.ts`): no SigV4 signature (`unsigned`), a lean request
 * handler (`lean-http`), both (`loopback`, the cell's `transport: 'http'`), or both with the
 * requests sent over the MessagePort to the emulator worker instead of loopback HTTP (`port`, the
 * cell's default transport: `local/cell/wire/PortRequestHandler.ts`).
 *
 * The emulators run on a worker thread as in the cell (`startEmulatorWorker`), so the main thread's
 * CPU (`process.threadCpuUsage`) is the client side alone; the process CPU (`process.cpuUsage`,
 * server side included) is printed next to it. Each variant runs twice, interleaved, after a
 * warm-up: the machine is shared, compare CPU time, not wall time.
 *
 *   npx tsx load-tests/micro/sdkClientCost.ts [--calls 400] [--rounds 2]
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import {
  credentialScopeSigner,
  LoopbackHttpHandler,
  loopbackSdkClientConfig,
} from '../../local/cell/wire/loopbackSdkClientConfig.ts';
import { benchFlags } from './benchFlags.ts';
import { median, type SdkOperation, startSdkBench } from './sdkBench.ts';

const { calls, rounds } = benchFlags({ calls: 400, rounds: 2 });
const { bench, configs, operations } = await startSdkBench('sdk-cost');
const { emulators } = bench;

type Variant = 'default' | 'unsigned' | 'lean-http' | 'loopback' | 'port';
const VARIANTS: readonly Variant[] = ['default', 'unsigned', 'lean-http', 'loopback', 'port'];

function withVariant<T extends (typeof configs)[keyof typeof configs]>(
  config: T,
  variant: Variant,
  service: 'events' | 'sns' | 'timestream',
) {
  if (variant === 'default') return config;
  if (variant === 'loopback') return loopbackSdkClientConfig(config, service);
  if (variant === 'port') return loopbackSdkClientConfig(config, service, emulators.sdkPort);
  if (variant === 'unsigned')
    return { ...config, signer: credentialScopeSigner({ accessKeyId: 'local', region: config.region, service }) };
  return {
    ...config,
    requestHandler: new LoopbackHttpHandler({ requestTimeout: config.requestHandler.requestTimeout }),
  };
}

type Operation = SdkOperation;

function clientFor(operation: Operation, variant: Variant) {
  switch (operation) {
    case 'PutEvents':
      return new EventBridgeClient(withVariant(configs.eventBridge, variant, 'events'));
    case 'PublishBatch':
      return new SNSClient(withVariant(configs.sns, variant, 'sns'));
    case 'WriteRecords':
      return new TimestreamWriteClient(withVariant(configs.timestream, variant, 'timestream'));
  }
}

async function measure(operation: Operation, variant: Variant): Promise<{ thread: number; process: number }> {
  const client = clientFor(operation, variant);
  const send = operations[operation] as (client: unknown) => Promise<unknown>;
  // Calls are sequential, like one handler invocation's: the cost per call, not concurrency effects.
  for (let i = 0; i < 50; i += 1) await send(client);
  const thread = process.threadCpuUsage();
  const total = process.cpuUsage();
  for (let i = 0; i < calls; i += 1) await send(client);
  const threadUsed = process.threadCpuUsage(thread);
  const totalUsed = process.cpuUsage(total);
  client.destroy();
  const perCall = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000 / calls;
  return { thread: perCall(threadUsed), process: perCall(totalUsed) };
}

const results = new Map<string, number[]>();
const processResults = new Map<string, number[]>();
console.log(`${calls} sequential calls of 10 entries per measurement; CPU ms per call (main thread = client side)`);
console.log('operation      variant     main thread   process (incl. emulators)');
try {
  for (let round = 0; round < rounds; round += 1) {
    for (const operation of Object.keys(operations) as Operation[]) {
      for (const variant of VARIANTS) {
        const { thread, process: total } = await measure(operation, variant);
        const key = `${operation}/${variant}`;
        results.set(key, [...(results.get(key) ?? []), thread]);
        processResults.set(key, [...(processResults.get(key) ?? []), total]);
        console.log(
          `${operation.padEnd(14)} ${variant.padEnd(10)} ${thread.toFixed(3).padStart(8)} ms ${total.toFixed(3).padStart(12)} ms`,
        );
      }
    }
  }
  for (const [label, of] of [
    ['main-thread', (key: string) => results.get(key)],
    ['process (both threads)', (key: string) => processResults.get(key)],
  ] as const) {
    console.log(`\nmedian ${label} CPU per call, saving vs default, and port/loopback ratio:`);
    for (const operation of Object.keys(operations) as Operation[]) {
      const base = median(of(`${operation}/default`) ?? []);
      for (const variant of VARIANTS) {
        const value = median(of(`${operation}/${variant}`) ?? []);
        const saving = variant === 'default' ? '' : `  ${(((base - value) / base) * 100).toFixed(0).padStart(3)}%`;
        const ratio =
          variant === 'port' ? `  port/loopback ${(value / median(of(`${operation}/loopback`) ?? [])).toFixed(2)}` : '';
        console.log(
          `${operation.padEnd(14)} ${variant.padEnd(10)} ${value.toFixed(3).padStart(8)} ms${saving}${ratio}`,
        );
      }
    }
  }
} finally {
  await bench.stop();
}
