import type { ActionContext } from '../ActionContext.ts';
import { InvalidArgumentError } from '../errors.ts';
import { FIREHOSE_LIMITS } from '../limits.ts';
import { type ActionInput, read } from '../readInput.ts';

const STREAM_TYPES = ['DirectPut', 'KinesisStreamAsSource', 'MSKAsSource', 'DatabaseAsSource'];

/** ListDeliveryStreams: names in order, `Limit` at a time (default 10), after `ExclusiveStartDeliveryStreamName`. */
export function listDeliveryStreams(input: ActionInput, context: ActionContext): unknown {
  const limit = read.optionalInteger(input, 'Limit', FIREHOSE_LIMITS.listLimit) ?? FIREHOSE_LIMITS.listLimit.default;
  const streamType = read.optionalString(input, 'DeliveryStreamType');
  if (streamType !== undefined && !STREAM_TYPES.includes(streamType)) {
    throw new InvalidArgumentError(`DeliveryStreamType ${streamType} is not one of ${STREAM_TYPES.join(', ')}.`);
  }
  const after = read.optionalString(input, 'ExclusiveStartDeliveryStreamName');
  const names = context.store.listStreamNames(limit + 1, after, streamType);
  return { DeliveryStreamNames: names.slice(0, limit), HasMoreDeliveryStreams: names.length > limit };
}
