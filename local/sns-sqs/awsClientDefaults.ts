import { Agent } from 'node:http';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * Credentials for the emulators: any value is accepted locally, but the SDK insists on signing,
 * and the signature's credential scope is how requests are counted per service.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * Client settings for one emulator endpoint: explicit endpoint (env alone is not enough) and an
 * agent without a socket limit. The SDK's default pool (50 sockets) would be held by the pollers'
 * 20-second long polls, and every other call — deliveries, deletes, health — would queue behind them.
 */
export function localClientConfig(endpoint: string, region: string) {
  return {
    endpoint,
    region,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }) },
  };
}

/**
 * The SNS and SQS SDK clients of the local cell's own control calls (provisioning, health, releasing
 * orphaned messages) against the SNS/SQS emulator at `endpoint`. No MD5 checks of bodies: on a
 * loopback call they cost CPU (every body of every receive) and can catch nothing.
 */
export function localSnsSqsClients(endpoint: string, region: string): { sqs: SQSClient; sns: SNSClient } {
  const config = localClientConfig(endpoint, region);
  return { sqs: new SQSClient({ ...config, md5: false }), sns: new SNSClient(config) };
}
