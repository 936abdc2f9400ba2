import type { MessageAttributeValue, PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import type { BusEvent } from '../../schemas/envelope.ts';
import { MESSAGE_ATTRIBUTES } from '../../schemas/messageAttributes.ts';
import { deduplicationIdFor } from './deduplicationIdFor.ts';

/**
 * The SNS FIFO entry for one bus event (without the batch entry `Id`, which the batching assigns).
 * `MessageGroupId = invoiceId` keeps an invoice's events in order while different invoices proceed
 * in parallel; `MessageDeduplicationId` is the eventId, so a re-forwarded event (inbox redelivery,
 * redrive) is a no-op within the 5-minute FIFO window, except for an archive replay, which gets an
 * id of its own (`deduplicationIdFor`) so that it is not dropped inside that window.
 */
export function toPublishEntry(busEvent: BusEvent): Omit<PublishBatchRequestEntry, 'Id'> {
  const { detail } = busEvent;
  const attribute = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  return {
    Message: JSON.stringify(detail),
    MessageGroupId: detail.invoiceId,
    MessageDeduplicationId: deduplicationIdFor(busEvent),
    MessageAttributes: {
      [MESSAGE_ATTRIBUTES.stage]: attribute(detail.stage),
      [MESSAGE_ATTRIBUTES.status]: attribute(detail.status),
      [MESSAGE_ATTRIBUTES.currency]: attribute(detail.currency),
      [MESSAGE_ATTRIBUTES.vendorId]: attribute(detail.vendor.vendorId),
      ...(busEvent['replay-name'] ? { [MESSAGE_ATTRIBUTES.replayName]: attribute(busEvent['replay-name']) } : {}),
    },
  };
}
