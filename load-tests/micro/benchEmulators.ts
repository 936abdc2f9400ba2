import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS } from '../../local/sns-sqs/index.ts';
import { type EmulatorWorkerData, type RunningEmulators, startEmulatorWorker } from '../../local/worker/index.ts';
import { IDEMPOTENCY_RECORD } from '../../schemas/idempotencyRecord.ts';

/** The Region and account every micro-benchmark's emulators run as. */
export const BENCH_REGION = 'eu-west-1';
export const BENCH_ACCOUNT = '000000000000';
/** The one bus of a benchmark's EventBridge emulator (no rules: PutEvents is the whole cost). */
export const BENCH_BUS = 'bench-bus';

/** The part of a Lambda environment every benchmark's handler gets: its Region and the emulators' credentials. */
export const BENCH_LAMBDA_ENV = {
  AWS_REGION: BENCH_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
} as const;

export interface BenchEmulators {
  readonly emulators: RunningEmulators;
  /** The EventBridge emulator's endpoint, with `BENCH_BUS`. */
  readonly eventBridgeEndpoint: string;
  /** Stops the worker and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * The emulator worker as the local cell runs it (a worker thread, so `process.threadCpuUsage` of the
 * main thread is the client side alone), in a fresh temporary data directory named after the
 * benchmark, with the given Timestream databases and DynamoDB tables and an EventBridge emulator.
 */
export async function startBenchEmulators(
  benchmark: string,
  stores: Pick<EmulatorWorkerData, 'databases' | 'dynamoTables'>,
): Promise<BenchEmulators> {
  const dataDir = mkdtempSync(join(tmpdir(), `bems-${benchmark}-bench-`));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    const emulators = await startEmulatorWorker({
      dataDir,
      region: BENCH_REGION,
      accountId: BENCH_ACCOUNT,
      ...stores,
      quiet: true,
    });
    const eventBridgeEndpoint = await emulators.startEventBridge(BENCH_ACCOUNT, [{ name: BENCH_BUS, rules: [] }]);
    return {
      emulators,
      eventBridgeEndpoint,
      async stop() {
        await emulators.stop();
        removeDataDir();
      },
    };
  } catch (error) {
    removeDataDir();
    throw error;
  }
}

/** The idempotency table of the ingest benchmarks. */
export const BENCH_IDEMPOTENCY_TABLE = 'bench-idempotency';

/** The emulators an ingest benchmark needs: EventBridge and DynamoDB with the idempotency table. */
export function startIngestBenchEmulators(benchmark: string): Promise<BenchEmulators> {
  return startBenchEmulators(benchmark, {
    databases: [],
    dynamoTables: [
      {
        name: BENCH_IDEMPOTENCY_TABLE,
        partitionKey: { name: IDEMPOTENCY_RECORD.partitionKey, type: 'S' },
        ttlAttribute: IDEMPOTENCY_RECORD.ttlAttribute,
      },
    ],
  });
}

/** The ingest function's environment against `bench`'s emulators (quiet, untraced; idempotency on unless off). */
export function ingestBenchEnv(bench: BenchEmulators, idempotency = true): Record<string, string> {
  return {
    CELL_ID: 'bench',
    ...BENCH_LAMBDA_ENV,
    POWERTOOLS_SERVICE_NAME: 'bems-bench',
    POWERTOOLS_METRICS_NAMESPACE: 'BEMS',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    EVENT_BUS_NAME: BENCH_BUS,
    ...(idempotency ? { IDEMPOTENCY_TABLE_NAME: BENCH_IDEMPOTENCY_TABLE } : {}),
    AWS_ENDPOINT_URL_EVENTBRIDGE: bench.eventBridgeEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: bench.emulators.dynamodbEndpoint,
  };
}
