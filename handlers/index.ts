/**
 * The Lambda handlers of a cell, as factories. Each module also exports `handler`, the Lambda
 * entry point (built from `process.env` on first invoke); that name is not re-exported here
 * because all three share it.
 */
export {
  type AnalyticsTarget,
  CONSUME_ENV,
  type ConsumeConfig,
  type ConsumeDependencies,
  type ConsumeHandler,
  consumeConfigFromEnv,
  createConsumeHandler,
} from './consume.ts';
export {
  createForwardHandler,
  type ForwardConfig,
  type ForwardDependencies,
  type ForwardHandler,
  forwardConfigFromEnv,
} from './forward.ts';
export {
  createIngestHandler,
  type IngestConfig,
  type IngestDependencies,
  type IngestHandler,
  ingestConfigFromEnv,
} from './ingest.ts';
