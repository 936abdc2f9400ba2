import type { EmulatorOptions, RunningJsonEmulator } from '../awsEmulator/index.ts';
import { JsonProtocolRouter, resolveEmulatorOptions, startJsonEmulator } from '../awsEmulator/index.ts';
import { batchExecuteStatement } from './actions/batchExecuteStatement.ts';
import { batchWriteItem } from './actions/batchWriteItem.ts';
import { deleteItem } from './actions/deleteItem.ts';
import { getItem } from './actions/getItem.ts';
import type { ActionContext } from './actions/input.ts';
import { putItem } from './actions/putItem.ts';
import {
  createTable,
  deleteTable,
  describeTable,
  describeTimeToLive,
  listTables,
  updateTimeToLive,
} from './actions/tables.ts';
import { updateItem } from './actions/updateItem.ts';
import { DynamoDBStore } from './DynamoDBStore.ts';
import { DynamoDBListenError, InternalServerError } from './errors.ts';
import { type DynamoDBTableConfig, provisionTables } from './provisionTables.ts';

/** `dataDir` holds `dynamodb.sqlite`; `now` is also the clock of the TTL sweep. */
export interface DynamoDBEmulatorOptions extends EmulatorOptions {
  /** Tables to create at start, idempotently (see {@link provisionTables}). */
  readonly tables?: readonly DynamoDBTableConfig[];
  /** The TTL process runs this often; 0 leaves expired items until `sweepExpired()`. @default 60000 */
  readonly ttlSweepIntervalMs?: number;
}

export interface RunningDynamoDBEmulator extends RunningJsonEmulator<DynamoDBStore> {
  /** Runs the TTL process now: deletes expired items of TTL-enabled tables; returns how many. */
  sweepExpired(): number;
}

/**
 * Starts the DynamoDB emulator: an HTTP server on loopback speaking the DynamoDB protocol (AWS JSON
 * 1.0) over a SQLite store in `dataDir`, with the item operations and expressions the idempotency
 * utility uses. Point `@aws-sdk/client-dynamodb` at it with an explicit `endpoint`.
 */
export async function startDynamoDBEmulator(options: DynamoDBEmulatorOptions): Promise<RunningDynamoDBEmulator> {
  const { region, accountId, logger, now, storeOptions } = resolveEmulatorOptions(options);
  const store = new DynamoDBStore(storeOptions);
  const router = new JsonProtocolRouter<ActionContext>({
    service: 'DynamoDB',
    internalError: InternalServerError,
    context: (_request, nowMs) => ({ store, nowMs, region, accountId }),
    logger,
    now,
  })
    .register('GetItem', getItem)
    .register('PutItem', putItem)
    .register('UpdateItem', updateItem)
    .register('DeleteItem', deleteItem)
    .register('BatchWriteItem', batchWriteItem)
    .register('BatchExecuteStatement', batchExecuteStatement)
    .register('CreateTable', createTable)
    .register('DescribeTable', describeTable)
    .register('DeleteTable', deleteTable)
    .register('ListTables', listTables)
    .register('UpdateTimeToLive', updateTimeToLive)
    .register('DescribeTimeToLive', describeTimeToLive);
  const sweepExpired = () => store.sweepExpired(now() / 1000);
  const running = await startJsonEmulator({
    ...options,
    router,
    store,
    logger,
    listenError: DynamoDBListenError,
    provision: () => provisionTables(options.tables ?? [], { store, nowMs: now(), region, accountId }),
    beforeStoreClose: () => clearInterval(sweeper),
  });
  const sweeper = startTtlSweep(sweepExpired, options.ttlSweepIntervalMs ?? 60_000, (error) =>
    logger.warn('DynamoDB emulator: TTL sweep failed (retried at the next one)', { error }),
  );
  return { ...running, sweepExpired };
}

/** The TTL process, every `intervalMs` (none for 0); a failed sweep is retried at the next one. */
function startTtlSweep(sweep: () => number, intervalMs: number, failed: (error: unknown) => void) {
  if (intervalMs <= 0) return undefined;
  return setInterval(() => {
    try {
      sweep();
    } catch (error) {
      failed(error);
    }
  }, intervalMs).unref();
}
