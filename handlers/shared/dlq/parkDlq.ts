import type { SQSClient } from '@aws-sdk/client-sqs';
import { failureKey, failureRoute } from '../../../schemas/failureRecord.ts';
import type { ParkedMessage } from '../../../schemas/parkedMessage.ts';
import { describeError } from '../errors.ts';
import type { DlqMessage } from './DlqMessage.ts';
import { type DlqRoute, routeLabel } from './DlqRoute.ts';
import type { FailureStore } from './FailureStore.ts';
import { deleteFromDlq, type MoveOutcome } from './moveBatch.ts';
import type { ParkedStore } from './ParkedStore.ts';
import { type RedriveProgress, type RedriveResult, redriveDlq } from './redriveDlq.ts';

export interface ParkOptions {
  readonly sqs: SQSClient;
  readonly route: DlqRoute;
  readonly store: ParkedStore;
  readonly cellId: string;
  /** Who parks (an IAM ARN, a user name): kept on every parked message. */
  readonly operator: string;
  /** Why: kept on every parked message. */
  readonly reason: string;
  /** Which messages to park. */
  readonly select: (message: DlqMessage) => boolean;
  /** Where the failure records are: each parked message keeps a copy of its own. */
  readonly failures?: FailureStore;
  readonly maxMessages?: number;
  readonly waitTimeSeconds?: number;
  /** Seconds a looked-at message stays hidden while the scan goes on. @default 60 */
  readonly holdSeconds?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RedriveProgress) => void;
  readonly now?: () => number;
}

export interface ParkResult {
  readonly route: DlqRoute;
  readonly scan: RedriveResult;
  /** Copied into the store and deleted from the DLQ. */
  readonly parked: readonly ParkedMessage[];
  /** Copied, but the DLQ delete failed: still in the DLQ; parking again writes the same copy once. */
  readonly notDeleted: readonly ParkedMessage[];
}

/**
 * Moves the selected messages of a DLQ into the parked store: for each, the copy is written (and
 * durable) first, and the message is deleted from the DLQ only after that. A crash between the two
 * leaves the message in the DLQ and its copy in the store under the id derived from the message,
 * so parking again overwrites that copy instead of adding a second: nothing is lost, nothing doubled.
 */
export async function parkDlq(options: ParkOptions): Promise<ParkResult> {
  const now = options.now ?? Date.now;
  const parked: ParkedMessage[] = [];
  const notDeleted: ParkedMessage[] = [];
  const mover = async (messages: readonly DlqMessage[]): Promise<MoveOutcome> => {
    const copied: { message: DlqMessage; copy: ParkedMessage }[] = [];
    const failed: MoveOutcome['failed'] = [];
    for (const message of messages) {
      try {
        const copy = await toParked(message, options, now());
        await options.store.put(copy);
        copied.push({ message, copy });
      } catch (error) {
        failed.push({ message, error: `not parked: ${describeError(error)}` });
      }
    }
    const stayed = new Set(
      await deleteFromDlq(
        options.sqs,
        options.route,
        copied.map((c) => c.message),
      ),
    );
    for (const { message, copy } of copied) (stayed.has(message) ? notDeleted : parked).push(copy);
    return { sent: copied.map((c) => c.message), failed, notDeleted: [...stayed] };
  };
  const scan = await redriveDlq({
    sqs: options.sqs,
    route: options.route,
    select: (message) => (options.select(message) ? 'redrive' : 'skip'),
    mover,
    orderedByGroup: false,
    // Parking writes to a store, not to a consumer: no need to pace it like a redrive.
    ratePerSecond: 1000,
    holdSeconds: options.holdSeconds ?? 60,
    ...(options.maxMessages !== undefined ? { maxMessages: options.maxMessages } : {}),
    ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { route: options.route, scan, parked, notDeleted };
}

/** The id of a parked message: `<stage>/<consumer|inbox>/<SQS message id>` (the id a DLQ keeps). */
export function parkedIdOf(route: Pick<DlqRoute, 'stage' | 'consumer'>, messageId: string): string {
  return `${routeLabel(route)}/${messageId}`;
}

async function toParked(
  message: DlqMessage,
  options: Pick<ParkOptions, 'route' | 'cellId' | 'operator' | 'reason' | 'failures'>,
  nowMs: number,
): Promise<ParkedMessage> {
  const { route } = options;
  const failure = await options.failures
    ?.get(failureKey(message.eventId, message.messageId), failureRoute(route.stage, route.consumer))
    .catch(() => undefined);
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  const sentAt = iso(message.sentAtMs);
  const firstFailedAt = iso(message.firstFailedAtMs);
  return {
    version: 1,
    id: parkedIdOf(route, message.messageId),
    cellId: options.cellId,
    stage: route.stage,
    ...(route.consumer !== undefined ? { consumer: route.consumer } : {}),
    dlq: route.dlq.name,
    source: route.source.name,
    fifo: route.source.fifo,
    ...(message.eventId !== undefined ? { eventId: message.eventId } : {}),
    ...(message.invoiceId !== undefined ? { invoiceId: message.invoiceId } : {}),
    message: {
      messageId: message.messageId,
      body: message.body,
      ...(message.groupId !== undefined ? { groupId: message.groupId } : {}),
      ...(message.deduplicationId !== undefined ? { deduplicationId: message.deduplicationId } : {}),
      attributes: Object.fromEntries(
        Object.entries(message.messageAttributes).map(([name, value]) => [
          name,
          {
            DataType: value.DataType ?? 'String',
            ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
            ...(value.BinaryValue !== undefined
              ? { BinaryValue: Buffer.from(value.BinaryValue).toString('base64') }
              : {}),
          },
        ]),
      ),
      receiveCount: message.receiveCount,
      redriveCount: message.redriveCount,
      ...(sentAt ? { sentAt } : {}),
      ...(firstFailedAt ? { firstFailedAt } : {}),
    },
    ...(failure ? { failure } : {}),
    parkedBy: options.operator,
    parkedAt: new Date(nowMs).toISOString(),
    reason: options.reason,
  };
}
