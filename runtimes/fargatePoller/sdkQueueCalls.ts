import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueCalls } from './QueuePoller.ts';

/** The poller's SQS calls through an SDK client (the real one on AWS, pointed at fauxqs locally). */
export function sdkQueueCalls(client: SQSClient): QueueCalls {
  return {
    receiveMessage: (input) => client.send(new ReceiveMessageCommand(input)),
    deleteMessageBatch: (input) => client.send(new DeleteMessageBatchCommand(input)),
    changeMessageVisibilityBatch: (input) => client.send(new ChangeMessageVisibilityBatchCommand(input)),
  };
}
