import type { EmulatorLogger as SharedEmulatorLogger } from '../awsEmulator/index.ts';

/** Configuration of the EventBridge emulator; the local cell builds it from the cell topology. */

/** An SQS queue a rule delivers to (EventBridge target of type SQS). */
export interface TargetOptions {
  /** Target id, unique within its rule. */
  readonly id: string;
  readonly queueUrl: string;
}

export interface RuleOptions {
  /** Rule name, unique within its bus. */
  readonly name: string;
  readonly eventPattern: object;
  readonly targets: readonly TargetOptions[];
  readonly description?: string;
}

export interface BusOptions {
  readonly name: string;
  /** Archive of every event accepted on this bus; no archive when absent. */
  readonly archiveName?: string;
  /** Days archived events are kept; 0 keeps them indefinitely (audit). @default 0 */
  readonly archiveRetentionDays?: number;
  readonly rules: readonly RuleOptions[];
}

/**
 * Sends up to 10 messages to one queue (SQS SendMessageBatch). Returns the ids of the entries
 * that were NOT accepted; throwing means none was. Failures are transient (retried with backoff
 * until the delivery limits are reached) unless their id is also in `permanentIds` — SQS says the
 * sender is at fault (e.g. invalid characters, too large), so a retry cannot succeed and the
 * delivery is dead-lettered at once.
 */
export type SendMessageBatch = (
  queueUrl: string,
  entries: Array<{ Id: string; MessageBody: string }>,
) => Promise<{ failedIds: string[]; permanentIds?: string[] }>;

/** Structural subset of the Powertools logger (and of `console`); the delivery loop logs at debug too. */
export type EmulatorLogger = Required<SharedEmulatorLogger>;

/** How the outbox deliverer sends and retries. Defaults in {@link DEFAULT_DELIVERY_OPTIONS}. */
export interface DeliveryOptions {
  /** Due outbox rows read per round. */
  readonly roundSize: number;
  /**
   * After new rows arrive, wait this long for more before sending (unless a full round is already
   * waiting), so batches fill up: fewer SendMessageBatch calls and commits per event, for a few ms of latency.
   */
  readonly batchWindowMs: number;
  /** SendMessageBatch calls in flight at once. */
  readonly maxConcurrentBatches: number;
  /** First retry delay; doubles per attempt (with jitter) up to `maxBackoffMs`. */
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Attempts before a delivery is dead-lettered (EventBridge's default retry policy: 185). */
  readonly maxAttempts: number;
  /** Age after which a failing delivery is dead-lettered (EventBridge's default: 24 h). */
  readonly maxEventAgeMs: number;
  /** A SendMessageBatch call that has not settled after this long counts as failed. */
  readonly sendTimeoutMs: number;
  /** Longest idle wait between outbox checks when nothing signals new rows. */
  readonly idlePollMs: number;
  /** On stop, how long the deliverer keeps sending due rows before leaving the rest for the next start. */
  readonly drainTimeoutMs: number;
  /** A replay pauses while the outbox holds more rows than this, so it cannot flood memory or disk. */
  readonly replayHighWater: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  roundSize: 500,
  batchWindowMs: 20,
  maxConcurrentBatches: 8,
  baseBackoffMs: 100,
  maxBackoffMs: 30_000,
  maxAttempts: 185,
  maxEventAgeMs: 24 * 60 * 60 * 1000,
  sendTimeoutMs: 30_000,
  idlePollMs: 1000,
  drainTimeoutMs: 5000,
  replayHighWater: 10_000,
};

export interface EventBridgeEmulatorOptions {
  /** Directory of `eventbridge.sqlite`; created when missing, never overwritten. */
  readonly dataDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  readonly region: string;
  readonly account: string;
  readonly buses: readonly BusOptions[];
  readonly sendMessageBatch: SendMessageBatch;
  /** @default warnings and errors to stderr */
  readonly logger?: EmulatorLogger;
  readonly delivery?: Partial<DeliveryOptions>;
  /**
   * SQLite `synchronous` level. `NORMAL` (default) survives a killed process, `FULL` also a power
   * loss, at the price of an fsync per PutEvents. See `EventBridgeStore` for the trade-off.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
}
