import type { Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { deleteMessages } from '../../../runtimes/sqs/deleteMessages.ts';
import { invokeBatchHandler, type SqsBatchHandler } from '../../../runtimes/sqs/invokeBatchHandler.ts';
import { backoffMs, Semaphore, sleep } from '../../../runtimes/sqs/timing.ts';
import { toSqsRecord } from '../../../runtimes/sqs/toSqsRecord.ts';
import type { FaultInjector, FaultMode, FaultTarget } from '../faults/index.ts';
import { describeError, type LocalLogger } from '../LocalLogger.ts';
import type { RequestCounter } from '../metering/index.ts';
import type { SqsMessaging } from '../wire/SqsJsonClient.ts';

export type { SqsBatchHandler };

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
  /** FunctionResponseTypes ReportBatchItemFailures: retry only the records the handler names. @default true */
  readonly reportBatchItemFailures?: boolean;
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
  /**
   * Records failed by an injected fault (they never reached the handler): reported like the
   * handler's own failures, one log line and one failure record each (`cellFunctions.ts`).
   */
  readonly onInjectedFailure?: (records: readonly SQSRecord[], mode: FaultMode) => Promise<void>;
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

const DEFAULT_POLLERS = 2;
const DEFAULT_WAIT_TIME_SECONDS = 5;

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

  /** The queue this mapping polls. */
  get queueName(): string {
    return this.options.queue.name;
  }

  /** The mapping's settings, as Lambda's GetEventSourceMapping would show them. */
  get settings(): PollingSettings & { readonly reportBatchItemFailures: boolean } {
    return { ...this.options.settings, reportBatchItemFailures: this.options.settings.reportBatchItemFailures ?? true };
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
    const { queue, region, functionName, settings } = this.options;
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
      await this.reportInjected(records, 'timeout');
      return;
    }
    const crashAt = faults.indexOf('crash');
    if (crashAt >= 0) {
      // Injected crash mid-batch: the records before the crashing one run (their writes happen),
      // then the runtime dies before it answers, so Lambda retries the whole batch.
      const before = records.slice(0, crashAt).filter((_, i) => faults[i] !== 'error');
      if (before.length > 0) await this.runHandler(before, timeoutMs);
      this.stats.recordsFailed += records.length;
      return;
    }
    await this.reportInjected(
      records.filter((_, i) => faults[i] === 'error'),
      'error',
    );
    const failed = new Set(records.filter((_, i) => faults[i] === 'error').map((record) => record.messageId));
    const healthy = records.filter((record) => !failed.has(record.messageId));
    if (healthy.length > 0) {
      for (const id of await this.runHandler(healthy, timeoutMs)) failed.add(id);
    }
    const succeeded = records.filter((record) => !failed.has(record.messageId));
    this.stats.recordsFailed += failed.size;
    this.stats.recordsSucceeded += succeeded.length;
    await this.deleteMessages(succeeded);
  }

  private async reportInjected(records: readonly SQSRecord[], mode: FaultMode): Promise<void> {
    if (records.length === 0 || !this.options.onInjectedFailure) return;
    await this.options
      .onInjectedFailure(records, mode)
      .catch((error: unknown) => this.noteError('fault report failed', error));
  }

  /** Runs the handler; returns the messageIds that failed. */
  private runHandler(records: SQSRecord[], timeoutMs: number): Promise<string[]> {
    const { handler, functionName, region, account } = this.options;
    return invokeBatchHandler(
      {
        handler,
        function: { functionName, region, account },
        timeoutMs,
        reportBatchItemFailures: this.settings.reportBatchItemFailures,
        noteError: (message, error, requestId) => this.noteError(message, error, requestId),
      },
      records,
    );
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

  private deleteMessages(records: SQSRecord[]): Promise<void> {
    return deleteMessages(this.options.sqs, this.options.queue.url, records, (message, error) =>
      this.noteError(message, error),
    );
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
