import { Agent } from 'node:http';

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
