import type { ActionContext } from '../ActionContext.ts';
import { streamFor } from '../acceptRecords.ts';
import { FIREHOSE_LIMITS } from '../limits.ts';
import { type ActionInput, read, streamName } from '../readInput.ts';
import { streamToWire } from '../toWire.ts';

/** DescribeDeliveryStream. A stream has one destination, so `Limit` and `ExclusiveStartDestinationId` change nothing. */
export function describeDeliveryStream(input: ActionInput, context: ActionContext): unknown {
  const name = streamName(input);
  read.optionalInteger(input, 'Limit', FIREHOSE_LIMITS.listLimit);
  read.optionalString(input, 'ExclusiveStartDestinationId');
  return { DeliveryStreamDescription: streamToWire(streamFor(name, context)) };
}
