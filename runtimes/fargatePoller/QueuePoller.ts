import type {
  ChangeMessageVisibilityBatchCommandInput,
  ChangeMessageVisibilityBatchCommandOutput,
  Message,
  ReceiveMessageCommandInput,
  ReceiveMessageCommandOutput,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { deleteMessages, type SqsDeletes } from '../sqs/deleteMessages.ts';
import { invokeBatchHandler, type SqsBatchHandler } from '../sqs/invokeBatchHandler.ts';
import { backoffMs, sleep } from '../sqs/timing.ts';
import { toSqsRecord } from '../sqs/toSqsRecord.ts';
import type { PollerConfig } from './pollerConfig.ts';

type Output<T> = Omit<T, '$metadata'>;

/** The SQS calls the poller makes (an SDK client behind `sdkQueueCalls`). */
export interface QueueCalls extends SqsDeletes {
  receiveMessage(input: ReceiveMessageCommandInput): Promise<Output<ReceiveMessageCommandOutput>>;
  changeMessageVisibilityBatch(
    input: ChangeMessageVisibilityBatchCommandInput,
  ): Promise<Output<ChangeMessageVisibilityBatchCommandOutput>>;
}

/** What the poller tells its supervisor (one JSON line each on stdout, see `main.ts`). */
export type PollerEvent =
  | { readonly poller: 'polling' }
  | { readonly poller: 'batch-started'; readonly messages: number }
  | { readonly poller: 'batch-finished'; readonly succeeded: number; readonly failed: number }
  | { readonly poller: 'error'; readonly error: string }
  | { readonly poller: 'draining' }
  | { readonly poller: 'stopped' };

export interface QueuePollerOptions {
  readonly config: PollerConfig;
  readonly sqs: QueueCalls;
  /** The consume handler, called exactly as Lambda's event source mapping would call it. */
  readonly handler: SqsBatchHandler;
  /** The account its context's ARN names. */
  readonly account: string;
  readonly report: (event: PollerEvent) => void;
}

/**
 * Lambda's SQS event source mapping for a long-running consumer on ECS Fargate: long-polls the
 * queue for a batch, hands it to the handler as an SQS event, keeps the batch's messages invisible
 * while the handler works (a ChangeMessageVisibility heartbeat at a third of the visibility timeout),
 * then deletes the messages that succeeded and leaves the ones the partial batch response names
 * (or all, if the handler threw) to come back when their visibility timeout ends — as Lambda does.
 *
 * One batch at a time per task: FIFO hands out one batch per message group anyway, and the service
 * scales out in tasks on the backlog. `drain()` (SIGTERM) stops receiving and waits for the batch in
 * flight to be finished and deleted. A long poll under way is let run out (at most `waitTimeSeconds`,
 * well inside ECS's stop timeout) and what it brings is processed: SQS may hand messages to a receive
 * whose caller has gone, and they would stay invisible for their visibility timeout. A kill without draining loses
 * nothing either: unfinished messages reappear after the visibility timeout and the handler's eventId
 * idempotency absorbs any it had already written.
 */
export class QueuePoller {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: QueuePollerOptions) {}

  start(): void {
    if (this.loop) throw new Error('the poller is already started');
    this.running = true;
    this.loop = this.run();
  }

  /** Stops receiving and resolves once the batch in flight (if any) is finished and deleted. */
  async drain(): Promise<void> {
    if (!this.loop) return;
    this.options.report({ poller: 'draining' });
    this.running = false;
    await this.loop;
    this.options.report({ poller: 'stopped' });
  }

  private async run(): Promise<void> {
    let failures = 0;
    this.options.report({ poller: 'polling' });
    while (this.running) {
      let messages: Message[];
      try {
        messages = await this.receive();
        failures = 0;
      } catch (error) {
        if (!this.running) break;
        failures++;
        this.options.report({ poller: 'error', error: `ReceiveMessage failed: ${String(error)}` });
        await sleep(backoffMs(failures)).catch(() => undefined);
        continue;
      }
      // Received before a drain began: process them rather than leave them invisible.
      if (messages.length > 0) await this.process(messages);
    }
  }

  private async receive(): Promise<Message[]> {
    const { config } = this.options;
    const output = await this.options.sqs.receiveMessage({
      QueueUrl: config.queueUrl,
      MaxNumberOfMessages: config.batchSize,
      WaitTimeSeconds: config.waitTimeSeconds,
      VisibilityTimeout: config.visibilityTimeoutSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    return output.Messages ?? [];
  }

  private async process(messages: Message[]): Promise<void> {
    const { config, report } = this.options;
    const records = messages.map((message) => toSqsRecord(message, { arn: config.queueArn, region: config.region }));
    report({ poller: 'batch-started', messages: records.length });
    const heartbeat = this.startHeartbeat(records);
    let failed: Set<string>;
    try {
      failed = new Set(await this.runHandler(records));
    } finally {
      clearInterval(heartbeat);
    }
    const succeeded = records.filter((record) => !failed.has(record.messageId));
    await deleteMessages(this.options.sqs, config.queueUrl, succeeded, (message, error) =>
      report({ poller: 'error', error: `${message}${error ? `: ${String(error)}` : ''}` }),
    );
    report({ poller: 'batch-finished', succeeded: succeeded.length, failed: failed.size });
  }

  private runHandler(records: SQSRecord[]): Promise<string[]> {
    const { config, handler, account, report } = this.options;
    return invokeBatchHandler(
      {
        handler,
        function: { functionName: config.serviceName, region: config.region, account },
        timeoutMs: config.maxProcessingSeconds * 1000,
        reportBatchItemFailures: true,
        noteError: (message, error) => report({ poller: 'error', error: `${message}: ${String(error)}` }),
      },
      records,
    );
  }

  /** Extends the batch's visibility every third of the timeout while the handler runs. */
  private startHeartbeat(records: readonly SQSRecord[]): NodeJS.Timeout {
    const { config, sqs, report } = this.options;
    const everyMs = Math.max(1000, (config.visibilityTimeoutSeconds * 1000) / 3);
    return setInterval(() => {
      sqs
        .changeMessageVisibilityBatch({
          QueueUrl: config.queueUrl,
          Entries: records.map((record, i) => ({
            Id: String(i),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: config.visibilityTimeoutSeconds,
          })),
        })
        .then((output) => {
          if (output.Failed?.length)
            report({ poller: 'error', error: `heartbeat: ${output.Failed.map((f) => f.Code).join(', ')}` });
        })
        // A missed heartbeat means at worst a redelivery, which eventId idempotency absorbs.
        .catch((error: unknown) => report({ poller: 'error', error: `heartbeat: ${String(error)}` }));
    }, everyMs);
  }
}
