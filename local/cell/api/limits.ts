/** Limits and defaults of the local API (one place, STYLE §5). */
export const API_LIMITS = {
  /** Largest body accepted: the EventBridge PutEvents request limit, as in the ingest handler. */
  maxBodyBytes: 256 * 1024,
  /** API Gateway's payload limit: bodies up to this are read and dropped so the client gets a 413. */
  discardBodyBytes: 10 * 1024 * 1024,
  /** API Gateway REST integration timeout. */
  integrationTimeoutMs: 29_000,
  /** The API Gateway deployment stage name of the local API. */
  apiStage: 'local',
} as const;
