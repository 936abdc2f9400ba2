/**
 * Credentials for the emulators: any value is accepted locally, but the SDK insists on signing,
 * and the signature's credential scope is how requests are counted per service.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Client settings for one emulator endpoint: explicit endpoint (env alone is not enough), fast retries. */
export function localClientConfig(endpoint: string, region: string) {
  return { endpoint, region, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 } as const;
}
