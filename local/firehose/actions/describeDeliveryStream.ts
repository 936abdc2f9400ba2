import { streamFor } from '../acceptRecords.ts';
import type { ActionContext } from '../FirehoseRouter.ts';
import { FIREHOSE_LIMITS } from '../limits.ts';
import { type ActionInput, optionalInteger, optionalString, streamName } from '../readInput.ts';
import { streamToWire } from '../toWire.ts';

/** DescribeDeliveryStream. A stream has one destination, so `Limit` and `ExclusiveStartDestinationId` change nothing. */
export function describeDeliveryStream(input: ActionInput, context: ActionContext): unknown {
  const name = streamName(input);
  optionalInteger(input, 'Limit', 'limit', FIREHOSE_LIMITS.listLimit);
  optionalString(input, 'ExclusiveStartDestinationId');
  return { DeliveryStreamDescription: streamToWire(streamFor(name, context)) };
}
