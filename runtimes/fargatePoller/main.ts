import { SQSClient } from '@aws-sdk/client-sqs';
import { consumeConfigFromEnv, createConsumeHandler } from '../../handlers/consume.ts';
import { sqsClientConfig } from '../../handlers/shared/awsClientConfig.ts';
import { pollerConfigFromEnv } from './pollerConfig.ts';
import { type PollerEvent, QueuePoller } from './QueuePoller.ts';
import { sdkQueueCalls } from './sdkQueueCalls.ts';

/**
 * The Fargate consumer's entry point (the container's command, and the local cell's consumer
 * process): the production consume handler, built from the environment exactly as its Lambda entry
 * point builds it, under {@link QueuePoller}. The handler does not know where it runs.
 *
 * Every poller event is one JSON line `{"poller": …}` on stdout (CloudWatch Logs on AWS; the local
 * cell's supervisor reads them). SIGTERM (ECS stopping the task, a scale-in) and SIGINT drain: no new
 * receives, the batch in flight is finished and deleted, then the process exits 0.
 */

/** ReceiveMessage holds the connection for the long poll; the SDK's socket timeout must outlast it. */
const RECEIVE_TIMEOUT_MARGIN_MS = 10_000;

function report(event: PollerEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function main(): void {
  const config = pollerConfigFromEnv(process.env);
  const handler = createConsumeHandler(consumeConfigFromEnv(process.env));
  const client = new SQSClient(
    sqsClientConfig(process.env, { requestTimeoutMs: config.waitTimeSeconds * 1000 + RECEIVE_TIMEOUT_MARGIN_MS }),
  );
  const poller = new QueuePoller({
    config,
    sqs: sdkQueueCalls(client),
    handler,
    account: config.queueArn.split(':')[4] ?? '000000000000',
    report,
  });
  let draining = false;
  const drain = () => {
    if (draining) return;
    draining = true;
    poller.drain().then(
      () => {
        client.destroy();
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`drain failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', drain);
  process.on('SIGINT', drain);
  poller.start();
}

try {
  main();
} catch (error) {
  // A configuration problem: say what is wrong and stop (ECS shows the task's exit and its log).
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(78);
}
