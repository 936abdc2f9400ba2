import { randomUUID } from 'node:crypto';
import type { SqsMessaging } from '../../cell/wire/SqsJsonClient.ts';
import type { FauxqsQueue, FauxqsSqsStore, SqsAction } from '../extendSqsRouter.ts';
import { moveBatch } from './moveBatch.ts';

/**
 * SQS's message move tasks (`StartMessageMoveTask`, `ListMessageMoveTasks`, `CancelMessageMoveTask`),
 * which fauxqs lacks: DLQ redrive as the console and `aws sqs start-message-move-task` do it. A task
 * moves the messages of a DLQ to the queue whose redrive policy names it (or to `DestinationArn`)
 * in the background, at most `MaxNumberOfMessagesPerSecond`; one task per source at a time.
 *
 * Messages move through fauxqs' own SQS API (receive, send, delete), so a move is at least once as
 * on AWS: a crash between send and delete leaves a copy in both queues, never none. Tasks are
 * kept in memory: a restart forgets finished tasks (AWS lists them for 14 days) and ends running
 * ones, whose remaining messages stay in the DLQ.
 */

type TaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

interface MoveTask {
  readonly taskHandle: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly maxPerSecond?: number;
  readonly startedTimestamp: number;
  readonly toMove: number;
  status: TaskStatus;
  moved: number;
  failureReason?: string;
}

/** AWS's limit on MaxNumberOfMessagesPerSecond; also our rate when none is given. */
const MAX_RATE = 500;
/** ListMessageMoveTasks returns at most this many, newest first (AWS: 1 by default, 10 at most). */
const MAX_LISTED = 10;

/**
 * The errors these operations answer: JSON-protocol code → the query-protocol code SQS sends in
 * `x-amzn-query-error` (which the JavaScript SDK reports as the error's name) and the HTTP status,
 * as the SQS service model has them.
 */
const ERRORS = {
  ResourceNotFoundException: { queryCode: 'ResourceNotFoundException', status: 404 },
  UnsupportedOperation: { queryCode: 'AWS.SimpleQueueService.UnsupportedOperation', status: 400 },
  InvalidParameterValue: { queryCode: 'InvalidParameterValue', status: 400 },
  MissingParameter: { queryCode: 'MissingParameter', status: 400 },
} as const;
type MoveTaskErrorCode = keyof typeof ERRORS;

export interface MoveTaskErrors {
  /** Builds fauxqs' SqsError, which its router turns into AWS's error answer. */
  readonly error: (code: string, message: string, status: number, queryCode: string) => Error;
}

export class MessageMoveTasks {
  private readonly tasks: MoveTask[] = [];
  private stopped = false;

  constructor(
    private readonly messaging: () => SqsMessaging,
    private readonly errors: MoveTaskErrors,
  ) {}

  /** The three actions, to register with fauxqs' SQS router. */
  actions(): Record<string, SqsAction> {
    return {
      StartMessageMoveTask: (input, store) => this.start(input, store),
      ListMessageMoveTasks: (input, store) => this.list(input, store),
      CancelMessageMoveTask: (input) => this.cancel(input),
    };
  }

  /** Ends every running task after its current batch (fauxqs is stopping). */
  stop(): void {
    this.stopped = true;
  }

  private start(input: Record<string, unknown>, store: FauxqsSqsStore) {
    const source = this.queue(store, input.SourceArn, 'SourceArn');
    const destination =
      input.DestinationArn === undefined
        ? this.redriveSource(store, source)
        : this.queue(store, input.DestinationArn, 'DestinationArn');
    const rate = input.MaxNumberOfMessagesPerSecond;
    if (rate !== undefined && !(Number.isInteger(rate) && (rate as number) >= 1 && (rate as number) <= MAX_RATE))
      throw this.fail(
        'InvalidParameterValue',
        `Value ${String(rate)} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be an integer from 1 to ${MAX_RATE}.`,
      );
    if (this.tasks.some((task) => task.sourceArn === source.arn && task.status === 'RUNNING'))
      throw this.fail(
        'UnsupportedOperation',
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      );
    const task: MoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString('base64'),
      sourceArn: source.arn,
      ...(input.DestinationArn === undefined ? {} : { destinationArn: destination.arn }),
      ...(rate === undefined ? {} : { maxPerSecond: rate as number }),
      startedTimestamp: Date.now(),
      toMove: Number(source.attributes.ApproximateNumberOfMessages ?? 0) || countVisible(source),
      status: 'RUNNING',
      moved: 0,
    };
    this.tasks.unshift(task);
    void this.run(task, source, destination);
    return { TaskHandle: task.taskHandle };
  }

  private list(input: Record<string, unknown>, store: FauxqsSqsStore) {
    const source = this.queue(store, input.SourceArn, 'SourceArn');
    const max = input.MaxResults === undefined ? 1 : Number(input.MaxResults);
    if (!(Number.isInteger(max) && max >= 1 && max <= MAX_LISTED))
      throw this.fail(
        'InvalidParameterValue',
        `Value ${String(input.MaxResults)} for parameter MaxResults is invalid. Reason: Must be an integer from 1 to ${MAX_LISTED}.`,
      );
    const results = this.tasks
      .filter((task) => task.sourceArn === source.arn)
      .slice(0, max)
      .map((task) => ({
        ...(task.status === 'RUNNING' ? { TaskHandle: task.taskHandle } : {}),
        Status: task.status,
        SourceArn: task.sourceArn,
        ...(task.destinationArn ? { DestinationArn: task.destinationArn } : {}),
        ...(task.maxPerSecond ? { MaxNumberOfMessagesPerSecond: task.maxPerSecond } : {}),
        ApproximateNumberOfMessagesMoved: task.moved,
        ApproximateNumberOfMessagesToMove: task.toMove,
        ...(task.failureReason ? { FailureReason: task.failureReason } : {}),
        StartedTimestamp: task.startedTimestamp,
      }));
    return { Results: results };
  }

  private cancel(input: Record<string, unknown>) {
    const task = this.tasks.find((candidate) => candidate.taskHandle === input.TaskHandle);
    if (!task)
      throw this.fail(
        'ResourceNotFoundException',
        'The resource that you specified for the TaskHandle parameter does not exist.',
      );
    if (task.status !== 'RUNNING') throw this.fail('UnsupportedOperation', 'Only active tasks can be cancelled.');
    task.status = 'CANCELLING';
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  private async run(task: MoveTask, source: FauxqsQueue, destination: FauxqsQueue): Promise<void> {
    const perSecond = task.maxPerSecond ?? MAX_RATE;
    try {
      while (task.status === 'RUNNING' && !this.stopped) {
        const started = Date.now();
        const moved = await moveBatch(this.messaging(), source, destination, Math.min(10, perSecond));
        if (moved === 0) break;
        task.moved += moved;
        const budgetMs = (moved / perSecond) * 1000;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, budgetMs - (Date.now() - started))));
      }
      task.status = task.status === 'CANCELLING' ? 'CANCELLED' : this.stopped ? 'FAILED' : 'COMPLETED';
      if (task.status === 'FAILED') task.failureReason = 'the SNS/SQS emulator stopped';
    } catch (error) {
      task.status = 'FAILED';
      task.failureReason = (error as Error).message;
    }
  }

  private fail(code: MoveTaskErrorCode, message: string): Error {
    const { queryCode, status } = ERRORS[code];
    return this.errors.error(code, message, status, queryCode);
  }

  private queue(store: FauxqsSqsStore, arn: unknown, parameter: string): FauxqsQueue {
    if (typeof arn !== 'string' || arn === '')
      throw this.fail('MissingParameter', `The request must contain the parameter ${parameter}.`);
    const queue = store.queuesByArn.get(arn);
    if (!queue)
      throw this.fail(
        'ResourceNotFoundException',
        `The resource that you specified for the ${parameter} parameter does not exist.`,
      );
    return queue;
  }

  /** The queue whose redrive policy sends its failures to `dlq`: where a redrive without destination goes. */
  private redriveSource(store: FauxqsSqsStore, dlq: FauxqsQueue): FauxqsQueue {
    const sources = [...store.queuesByArn.values()].filter((queue) => deadLetterTarget(queue) === dlq.arn);
    if (sources.length === 0)
      throw this.fail('InvalidParameterValue', 'Source queue must be configured as a Dead Letter Queue.');
    // fauxqs does not record which queue a dead letter came from; with one source there is no doubt.
    if (sources.length > 1)
      throw this.fail(
        'InvalidParameterValue',
        `${sources.length} queues use this dead-letter queue: name DestinationArn.`,
      );
    return sources[0]!;
  }
}

function deadLetterTarget(queue: FauxqsQueue): string | undefined {
  try {
    return (JSON.parse(queue.attributes.RedrivePolicy ?? '{}') as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  } catch {
    return undefined;
  }
}

/** fauxqs computes ApproximateNumberOfMessages on read; the attribute map may not hold it. */
function countVisible(queue: FauxqsQueue): number {
  const reader = queue as unknown as { getAttribute?: (name: string) => string };
  return Number(reader.getAttribute?.('ApproximateNumberOfMessages') ?? 0);
}
