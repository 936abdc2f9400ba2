import { FAILURE_KINDS, HandlerError } from '../shared/errors.ts';
import type { EventSink, SinkItem, SinkOutcome, SinkWriteOptions } from './EventSink.ts';

export type GroupedMessage =
  | { readonly messageId: string; readonly groupId: string; readonly item: SinkItem }
  | { readonly messageId: string; readonly groupId: string; readonly error: HandlerError };

/** Not attempted: an earlier message of the same group failed in this batch. */
export type RecordOutcome = SinkOutcome | { readonly status: 'skipped' };

/**
 * Records a FIFO batch with as few sink calls as possible without breaking per-group order.
 *
 * FIFO order means: a message is recorded only after every earlier message of its group (invoice)
 * was. Writing one record per call would keep that but cost one call per message; writing the
 * whole batch in one call would record a later event of an invoice even when an earlier one failed
 * (its message then goes back to the queue while the later event is already visible).
 *
 * So the batch is written in *waves*: wave k holds the k-th message of every group whose earlier
 * messages all succeeded. A batch of 10 different invoices is one call; a batch of 10 events of one
 * invoice is 10 calls. Once a message fails, the later messages of its group are not attempted
 * (`skipped`) and will be reported failed with it, which is what `skipGroupOnError` does too.
 */
export async function recordInGroupOrder(
  messages: readonly GroupedMessage[],
  sink: EventSink,
  options: SinkWriteOptions = {},
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const failedGroups = new Set<string>();
  const waves: GroupedMessage[][] = [];
  const depth = new Map<string, number>();
  for (const message of messages) {
    const k = depth.get(message.groupId) ?? 0;
    depth.set(message.groupId, k + 1);
    const wave = waves[k] ?? [];
    wave.push(message);
    waves[k] = wave;
  }

  for (const wave of waves) {
    const toWrite: { messageId: string; groupId: string; item: SinkItem }[] = [];
    for (const message of wave) {
      if (failedGroups.has(message.groupId)) {
        outcomes.set(message.messageId, { status: 'skipped' });
      } else if ('error' in message) {
        outcomes.set(message.messageId, { status: 'failed', error: message.error });
        failedGroups.add(message.groupId);
      } else {
        toWrite.push(message);
      }
    }
    if (toWrite.length === 0) continue;
    const results = await sink.write(
      toWrite.map((m) => m.item),
      options,
    );
    toWrite.forEach((message, index) => {
      const outcome: SinkOutcome = results[index] ?? {
        status: 'failed',
        error: new HandlerError(`sink ${sink.name} returned no outcome`, FAILURE_KINDS.transient),
      };
      outcomes.set(message.messageId, outcome);
      if (outcome.status === 'failed') failedGroups.add(message.groupId);
    });
  }
  return outcomes;
}
