import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FaultInjector, FaultMode, FaultTarget } from '../faults/index.ts';
import { describeError, type LocalLogger } from '../LocalLogger.ts';
import type { RequestCounter } from '../metering/index.ts';
import type { SqsMessaging } from '../wire/SqsJsonClient.ts';
import { createLambdaContext } from './createLambdaContext.ts';
import { toSqsRecord } from './toSqsRecord.ts';

/**
 * A Lambda function for an SQS event source with ReportBatchItemFailures enabled. The result is
 * `unknown` because Lambda accepts anything: only an object with `batchItemFailures` means partial failure.
 */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

/** The event source mapping settings that Lambda exposes for SQS. */
export interface PollingSettings {
  /** Records per invocation (1–10). */
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds: how long to gather records before invoking. */
  readonly batchingWindowSeconds: number;
  /** The queue's visibility timeout; also the function timeout (Lambda requires timeout ≤ visibility). */
  readonly visibilityTimeoutSeconds: number;
  /** ScalingConfig.MaximumConcurrency: concurrent invocations for this queue. */
  readonly maxConcurrency: number;
}

export interface EventSourceMappingOptions {
  readonly queue: { readonly name: string; readonly url: string; readonly arn: string };
  readonly settings: PollingSettings;
  readonly region: string;
  readonly account: string;
  readonly functionName: string;
  readonly handler: SqsBatchHandler;
  /** Lambda's pollers call SQS themselves; locally a lean JSON-protocol client (or the SDK in tests). */
  readonly sqs: SqsMessaging;
  /** Fault injection; records whose invoice matches fail without reaching the handler. */
  readonly faults?: FaultInjector;
  readonly faultTarget?: Omit<FaultTarget, 'invoiceId'>;
  /** Reads the invoice id of a record, for fault matching. */
  readonly invoiceIdOf?: (record: SQSRecord) => string | undefined;
  /** Counts invocations as `lambda:<functionName>`. */
  readonly counter?: RequestCounter;
  readonly logger?: LocalLogger;
  /**
   * Long-poll wait of each ReceiveMessage, and so the longest `stop()` waits for an idle poller.
   * Lambda's pollers wait 20 s; a long poll is not cut short on stop, though: fauxqs keeps serving
   * an abandoned long poll and would hand messages that arrive meanwhile to a receive nobody reads
   * (their receive count goes up and they stay invisible for the visibility timeout).
   * @default 5
   */
  readonly waitTimeSeconds?: number;
  /**
   * Concurrent long polls. Lambda separates pollers from function concurrency the same way; a poller
   * per invocation slot would mean ten ReceiveMessage calls woken by every message that arrives.
   * @default 2
   */
  readonly pollers?: number;
}

export type MappingState = 'created' | 'running' | 'stopping' | 'stopped';

export interface EventSourceMappingStats {
  readonly state: MappingState;
  readonly invocations: number;
  readonly recordsReceived: number;
  readonly recordsSucceeded: number;
  readonly recordsFailed: number;
  readonly inFlightBatches: number;
  readonly lastError?: string;
}

const SQS_BATCH_LIMIT = 10;
const DEFAULT_POLLERS = 2;
const DEFAULT_WAIT_TIME_SECONDS = 5;
const DELETE_ATTEMPTS = 4;

/**
 * Lambda's SQS event source mapping, locally: a few pollers long-poll the queue, gather up to
 * `batchSize` records within the batching window, invoke the handler with a real SQS event (at
 * most `maxConcurrency` invocations at once) and delete only the records the handler did not
 * report in `batchItemFailures`. Failed records are left alone, exactly like Lambda: they reappear
 * when their visibility timeout expires, their receive count grows, and the queue's redrive
 * policy moves them to the DLQ after maxReceiveCount.
 * A handler that throws, times out or returns an unknown itemIdentifier fails the whole batch.
 *
 * FIFO order needs no code here: SQS (fauxqs) hands out a message group only when none of its
 * messages is in flight, so one invoice's events are processed one batch at a time, in order.
 */
export class EventSourceMapping {
  private state: MappingState = 'created';
  private readonly abort = new AbortController();
  private pollers: Promise<void>[] = [];
  private readonly invocations = new Set<Promise<void>>();
  private readonly slots: Semaphore;
  private readonly pollerCount: number;
  private stats = { invocations: 0, recordsReceived: 0, recordsSucceeded: 0, recordsFailed: 0, inFlightBatches: 0 };
  private lastError: string | undefined;
  private readonly waitTimeSeconds: number;

  constructor(private readonly options: EventSourceMappingOptions) {
    this.waitTimeSeconds = options.waitTimeSeconds ?? DEFAULT_WAIT_TIME_SECONDS;
    this.pollerCount = options.pollers ?? DEFAULT_POLLERS;
    this.slots = new Semaphore(options.settings.maxConcurrency);
  }

  get functionName(): string {
    return this.options.functionName;
  }

  start(): void {
    if (this.state !== 'created') throw new Error(`event source mapping ${this.options.functionName} already started`);
    this.state = 'running';
    this.pollers = Array.from({ length: Math.min(this.pollerCount, this.options.settings.maxConcurrency) }, () =>
      this.poll(),
    );
  }

  /**
   * Stops polling and waits for the batches in flight to finish (their records deleted or left to
   * retry). Idle long polls are let run out (at most `waitTimeSeconds`); what they bring is processed.
   */
  async stop(): Promise<void> {
    if (this.state === 'created' || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.abort.abort();
    this.slots.close();
    await Promise.all(this.pollers);
    await Promise.all(this.invocations);
    this.state = 'stopped';
  }

  describe(): EventSourceMappingStats {
    return { state: this.state, ...this.stats, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  private get running(): boolean {
    return this.state === 'running';
  }

  /**
   * One poller: wait for a free invocation slot, gather a batch, hand it to an invocation without
   * waiting for it, repeat. A slot is taken before receiving so no message is made invisible while
   * there is no capacity to process it.
   */
  private async poll(): Promise<void> {
    let failures = 0;
    while (this.running) {
      await this.slots.acquire();
      if (!this.running) {
        this.slots.release();
        break;
      }
      let messages: Message[];
      try {
        messages = await this.collectBatch();
        failures = 0;
      } catch (error) {
        this.slots.release();
        if (!this.running) break;
        failures++;
        this.noteError('ReceiveMessage failed', error);
        await sleep(backoffMs(failures), this.abort.signal).catch(() => undefined);
        continue;
      }
      if (messages.length === 0) {
        this.slots.release();
        continue;
      }
      this.stats.inFlightBatches++;
      const invocation = this.invoke(messages)
        .catch((error: unknown) => this.noteError('invocation bookkeeping failed', error))
        .finally(() => {
          this.stats.inFlightBatches--;
          this.slots.release();
          this.invocations.delete(invocation);
        });
      this.invocations.add(invocation);
    }
  }

  /** One long poll, then more receives until the batch is full or the batching window has passed. */
  private async collectBatch(): Promise<Message[]> {
    const { batchSize, batchingWindowSeconds } = this.options.settings;
    const batch = await this.receive(batchSize, this.waitTimeSeconds);
    if (batch.length === 0 || batch.length >= batchSize || batchingWindowSeconds === 0) return batch;
    const windowEnds = Date.now() + batchingWindowSeconds * 1000;
    while (this.running && batch.length < batchSize) {
      const remainingMs = windowEnds - Date.now();
      if (remainingMs <= 0) break;
      try {
        // WaitTimeSeconds is whole seconds; below one second, wait out the rest and take what is there.
        if (remainingMs < 1000) await sleep(remainingMs, this.abort.signal);
        batch.push(...(await this.receive(batchSize - batch.length, remainingMs < 1000 ? 0 : 1)));
      } catch (error) {
        if (!this.running) break; // stopping: invoke what was gathered rather than abandon it
        throw error;
      }
    }
    return batch;
  }

  private async receive(max: number, waitTimeSeconds: number): Promise<Message[]> {
    const output = await this.options.sqs.receiveMessage({
      QueueUrl: this.options.queue.url,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: waitTimeSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    return output.Messages ?? [];
  }

  private async invoke(messages: Message[]): Promise<void> {
    const { queue, region, account, functionName, settings } = this.options;
    const records = messages.map((message) => toSqsRecord(message, { arn: queue.arn, region }));
    this.stats.recordsReceived += records.length;
    this.options.counter?.add('lambda', functionName);
    this.stats.invocations++;
    const timeoutMs = settings.visibilityTimeoutSeconds * 1000;
    const faults = records.map((record) => this.faultOf(record));
    if (faults.includes('timeout')) {
      // Injected hang: the invocation runs into its timeout and the whole batch fails, as on Lambda.
      await sleep(timeoutMs, this.abort.signal).catch(() => undefined);
      this.stats.recordsFailed += records.length;
      return;
    }
    const crashAt = faults.indexOf('crash');
    if (crashAt >= 0) {
      // Injected crash mid-batch: the records before the crashing one run (their writes happen),
      // then the runtime dies before it answers, so Lambda retries the whole batch.
      const before = records.slice(0, crashAt).filter((_, i) => faults[i] !== 'error');
      if (before.length > 0) await this.runHandler(before, timeoutMs, { functionName, region, account });
      this.stats.recordsFailed += records.length;
      return;
    }
    const failed = new Set(records.filter((_, i) => faults[i] === 'error').map((record) => record.messageId));
    const healthy = records.filter((record) => !failed.has(record.messageId));
    if (healthy.length > 0) {
      for (const id of await this.runHandler(healthy, timeoutMs, { functionName, region, account })) failed.add(id);
    }
    const succeeded = records.filter((record) => !failed.has(record.messageId));
    this.stats.recordsFailed += failed.size;
    this.stats.recordsSucceeded += succeeded.length;
    await this.deleteMessages(succeeded);
  }

  /** Runs the handler; returns the messageIds that failed. */
  private async runHandler(
    records: SQSRecord[],
    timeoutMs: number,
    fn: { functionName: string; region: string; account: string },
  ): Promise<string[]> {
    const everyId = records.map((record) => record.messageId);
    const requestId = randomUUID();
    const context = createLambdaContext({ ...fn, timeoutMs }, requestId);
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds`)), timeoutMs);
      });
      const response = await Promise.race([this.options.handler({ Records: records }, context), timeout]);
      const failures: unknown = (response as Partial<SQSBatchResponse> | null | undefined)?.batchItemFailures ?? [];
      // Lambda's rule: a malformed response, or an itemIdentifier that is empty or not in the batch,
      // fails the whole batch.
      if (!isValidFailureList(failures, new Set(everyId))) {
        this.noteError('handler returned an invalid batchItemFailures; the whole batch fails', undefined, requestId);
        return everyId;
      }
      return failures.map((failure) => failure.itemIdentifier);
    } catch (error) {
      this.noteError('handler failed; the whole batch will be retried', error, requestId);
      return everyId;
    } finally {
      clearTimeout(timer);
    }
  }

  private faultOf(record: SQSRecord): FaultMode | undefined {
    const { faults, faultTarget, invoiceIdOf } = this.options;
    if (!faults || faults.size === 0 || !faultTarget) return undefined;
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    return faults.match({
      ...faultTarget,
      invoiceId: invoiceIdOf?.(record),
      ...(Number.isFinite(receiveCount) ? { receiveCount } : {}),
    });
  }

  /**
   * DeleteMessageBatch in chunks of 10, retrying transient errors with backoff and jitter. A delete
   * that still fails (e.g. the receipt handle expired because the handler outlived the visibility
   * timeout) only means a redelivery, which the handlers absorb by eventId.
   */
  private async deleteMessages(records: SQSRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += SQS_BATCH_LIMIT) {
      let entries = records.slice(i, i + SQS_BATCH_LIMIT).map((record, index) => ({
        Id: String(index),
        ReceiptHandle: record.receiptHandle,
      }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        try {
          const output = await this.options.sqs.deleteMessageBatch({
            QueueUrl: this.options.queue.url,
            Entries: entries,
          });
          const retry = new Set((output.Failed ?? []).filter((f) => !f.SenderFault).map((f) => f.Id));
          for (const failure of output.Failed ?? [])
            if (failure.SenderFault)
              this.noteError(`DeleteMessageBatch entry failed: ${failure.Code} ${failure.Message ?? ''}`);
          entries = entries.filter((entry) => retry.has(entry.Id));
        } catch (error) {
          if (attempt >= DELETE_ATTEMPTS) {
            this.noteError('DeleteMessageBatch failed; the records will be redelivered', error);
            return;
          }
        }
        if (entries.length > 0) {
          if (attempt >= DELETE_ATTEMPTS) {
            this.noteError(`DeleteMessageBatch: ${entries.length} entries still failing; they will be redelivered`);
            return;
          }
          await sleep(backoffMs(attempt)).catch(() => undefined);
        }
      }
    }
  }

  private noteError(message: string, error?: unknown, requestId?: string): void {
    this.lastError = error === undefined ? message : `${message}: ${describeError(error)}`;
    this.options.logger?.warn(message, {
      function: this.options.functionName,
      queue: this.options.queue.name,
      ...(requestId ? { requestId } : {}),
      ...(error !== undefined ? { error: describeError(error) } : {}),
    });
  }
}

function isValidFailureList(failures: unknown, known: ReadonlySet<string>): failures is SQSBatchItemFailure[] {
  return (
    Array.isArray(failures) &&
    failures.every((failure: Partial<SQSBatchItemFailure> | null) => {
      const id = failure?.itemIdentifier;
      return typeof id === 'string' && known.has(id);
    })
  );
}

/** Exponential backoff with full jitter: 100 ms, 200 ms, … capped at 5 s. */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(5000, 100 * 2 ** (attempt - 1));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Counts free invocation slots; `close()` wakes every waiter so pollers can see they must stop. */
class Semaphore {
  private readonly waiters: (() => void)[] = [];
  private closed = false;

  constructor(private free: number) {}

  acquire(): Promise<void> {
    if (this.closed || this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      this.free--;
      waiter();
    }
  }
}
