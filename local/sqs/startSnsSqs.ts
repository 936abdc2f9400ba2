import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { classifyAwsRequest, type RequestCounter, startCountingProxy } from '../metering/index.ts';
import { localClientConfig } from './awsClientDefaults.ts';

export interface SnsSqsOptions {
  /** The cell's data directory; fauxqs keeps its SQLite database in `<dataDir>/fauxqs`. */
  readonly dataDir: string;
  readonly region: string;
  /** Interface the endpoint handed to clients binds to. @default '127.0.0.1' */
  readonly host?: string;
  readonly counter: RequestCounter;
}

export interface RunningSnsSqs {
  /** SNS and SQS endpoint for every client (a counting proxy in front of fauxqs). */
  readonly endpoint: string;
  readonly fauxqs: FauxqsServer;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs in-process with SQLite persistence (every mutation is written through before the
 * API call answers, so a kill -9 loses nothing that was acknowledged) and a counting proxy in
 * front of it. fauxqs always listens on all interfaces; only the loopback proxy is handed out.
 */
export async function startSnsSqs(options: SnsSqsOptions): Promise<RunningSnsSqs> {
  const host = options.host ?? '127.0.0.1';
  const fauxqs = await startFauxqs({
    port: 0,
    logger: false,
    defaultRegion: options.region,
    dataDir: join(options.dataDir, 'fauxqs'),
  });
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  try {
    proxy = await startCountingProxy({
      target: `http://127.0.0.1:${fauxqs.port}`,
      host,
      counter: options.counter,
      classify: classifyAwsRequest,
    });
  } catch (error) {
    await fauxqs.stop();
    throw error;
  }
  const config = localClientConfig(proxy.url, options.region);
  const sqs = new SQSClient(config);
  const sns = new SNSClient(config);
  return {
    endpoint: proxy.url,
    fauxqs,
    sqs,
    sns,
    stop: async () => {
      sqs.destroy();
      sns.destroy();
      await proxy.stop();
      // Closing fastify runs fauxqs' preClose hook, which closes its SQLite database.
      await fauxqs.stop();
    },
  };
}
