import {
  CancelMessageMoveTaskCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { DlqRoute } from './DlqRoute.ts';
import { type RateClock, systemRateClock } from './RateLimiter.ts';

export interface MoveTaskProgress {
  readonly status: string;
  readonly moved: number;
  readonly toMove?: number;
}

export interface MoveTaskOptions {
  readonly sqs: SQSClient;
  readonly route: DlqRoute;
  /** MaxNumberOfMessagesPerSecond (SQS allows 1–500). */
  readonly ratePerSecond?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: MoveTaskProgress) => void;
  /** How often the task is looked at. @default 2000 */
  readonly pollMs?: number;
  readonly clock?: RateClock;
}

export interface MoveTaskResult {
  readonly status: string;
  readonly moved: number;
  readonly toMove?: number;
  readonly failureReason?: string;
  readonly cancelled: boolean;
}

/**
 * Whole-DLQ redrive done by SQS itself (StartMessageMoveTask, AWS only: the local emulator does not
 * have it). SQS moves every message back to the source queue at the given rate and keeps FIFO
 * groups; it does not count redrives on the message, so the monitor's automatic redrive does not
 * use it — this is for an operator emptying a large DLQ after a fix.
 */
export async function moveWithTask(options: MoveTaskOptions): Promise<MoveTaskResult> {
  const { sqs, route, signal } = options;
  const clock = options.clock ?? systemRateClock;
  const arnOf = async (url: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    if (!Attributes?.QueueArn) throw new Error(`no QueueArn for ${url}`);
    return Attributes.QueueArn;
  };
  const dlqArn = await arnOf(route.dlq.url);
  const sourceArn = await arnOf(route.source.url);
  const rate =
    options.ratePerSecond === undefined ? undefined : Math.max(1, Math.min(500, Math.floor(options.ratePerSecond)));
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: dlqArn,
      DestinationArn: sourceArn,
      ...(rate !== undefined ? { MaxNumberOfMessagesPerSecond: rate } : {}),
    }),
  );
  let cancelled = false;
  for (;;) {
    if (signal?.aborted && !cancelled && TaskHandle) {
      cancelled = true;
      // Messages already moved stay moved; the rest stay in the DLQ. Nothing is in between.
      await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    }
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }));
    const task = Results[0];
    const progress: MoveTaskProgress = {
      status: task?.Status ?? 'UNKNOWN',
      moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
      ...(task?.ApproximateNumberOfMessagesToMove !== undefined
        ? { toMove: task.ApproximateNumberOfMessagesToMove }
        : {}),
    };
    options.onProgress?.(progress);
    if (!task || ['COMPLETED', 'CANCELLED', 'FAILED'].includes(progress.status)) {
      return {
        ...progress,
        ...(task?.FailureReason ? { failureReason: task.FailureReason } : {}),
        cancelled,
      };
    }
    await clock.sleep(options.pollMs ?? 2000, cancelled ? undefined : signal);
  }
}
