import { describe, expect, it } from 'vitest';
import { fromQueryParams } from '../../../../local/sns-sqs/query/fromQueryParams.ts';
import { toQueryError, toQueryResponse } from '../../../../local/sns-sqs/query/toQueryResponse.ts';

/**
 * SQS's query protocol ↔ its JSON protocol, with the member names of the 2012-11-05 query model
 * (as Debian's AWS CLI v2 sends them; test/integration/awsGateway.test.ts runs that CLI itself).
 */

describe('SQS query requests', () => {
  it('turns flattened lists, maps and batch entries into the JSON input', () => {
    // Prepare
    const params = new URLSearchParams({
      Action: 'SendMessageBatch',
      Version: '2012-11-05',
      QueueUrl: 'http://127.0.0.1:4011/000000000000/orders.fifo',
      'SendMessageBatchRequestEntry.1.Id': 'a',
      'SendMessageBatchRequestEntry.1.MessageBody': 'first',
      'SendMessageBatchRequestEntry.1.DelaySeconds': '0',
      'SendMessageBatchRequestEntry.1.MessageGroupId': 'INV-1',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'stage',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'String',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue': 'posting',
      'SendMessageBatchRequestEntry.2.Id': 'b',
      'SendMessageBatchRequestEntry.2.MessageBody': 'second',
      'SendMessageBatchRequestEntry.10.Id': 'j',
      'SendMessageBatchRequestEntry.10.MessageBody': 'tenth',
    });

    // Act
    const input = fromQueryParams(params);

    // Assess
    expect(input).toEqual({
      QueueUrl: 'http://127.0.0.1:4011/000000000000/orders.fifo',
      Entries: [
        {
          Id: 'a',
          MessageBody: 'first',
          DelaySeconds: 0,
          MessageGroupId: 'INV-1',
          MessageAttributes: { stage: { DataType: 'String', StringValue: 'posting' } },
        },
        { Id: 'b', MessageBody: 'second' },
        { Id: 'j', MessageBody: 'tenth' },
      ],
    });
  });

  it('names CreateQueue’s tags `tags` and types the integers', () => {
    const input = fromQueryParams(
      new URLSearchParams({
        Action: 'CreateQueue',
        QueueName: 'q',
        'Attribute.1.Name': 'VisibilityTimeout',
        'Attribute.1.Value': '30',
        'Tag.1.Key': 'team',
        'Tag.1.Value': 'ap',
      }),
    );
    expect(input).toEqual({ QueueName: 'q', Attributes: { VisibilityTimeout: '30' }, tags: { team: 'ap' } });
    const receive = fromQueryParams(
      new URLSearchParams({
        Action: 'ReceiveMessage',
        MaxNumberOfMessages: '10',
        'AttributeName.1': 'All',
        'MessageAttributeName.1': 'All',
      }),
    );
    expect(receive).toEqual({ MaxNumberOfMessages: 10, AttributeNames: ['All'], MessageAttributeNames: ['All'] });
  });
});

describe('SQS query responses', () => {
  it('writes messages with flattened attributes, escaped, inside the Result element', () => {
    const xml = toQueryResponse('ReceiveMessage', {
      Messages: [
        {
          MessageId: 'm1',
          Body: 'a <b> & "c"\r',
          Attributes: { ApproximateReceiveCount: '2' },
          MessageAttributes: { stage: { DataType: 'String', StringValue: 'posting' } },
        },
      ],
    });
    expect(xml).toContain(
      '<ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ReceiveMessageResult><Message>',
    );
    expect(xml).toContain('<Body>a &lt;b&gt; &amp; &quot;c&quot;&#xD;</Body>');
    expect(xml).toContain('<Attribute><Name>ApproximateReceiveCount</Name><Value>2</Value></Attribute>');
    expect(xml).toContain(
      '<MessageAttribute><Name>stage</Name><Value><DataType>String</DataType><StringValue>posting</StringValue></Value></MessageAttribute>',
    );
    expect(xml).toMatch(
      /<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/ReceiveMessageResponse>$/,
    );
  });

  it('names batch results after their operation, and omits the Result of an operation without output', () => {
    const xml = toQueryResponse('DeleteMessageBatch', {
      Successful: [{ Id: 'a' }],
      Failed: [{ Id: 'b', SenderFault: true, Code: 'X' }],
    });
    expect(xml).toContain('<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>');
    expect(xml).toContain(
      '<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>X</Code></BatchResultErrorEntry>',
    );
    expect(toQueryResponse('DeleteMessage', {})).not.toContain('DeleteMessageResult');
    expect(toQueryResponse('ListQueues', { QueueUrls: ['u1', 'u2'] })).toContain(
      '<QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl>',
    );
  });

  it('writes errors with their query code and fault', () => {
    const xml = toQueryError({ code: 'AWS.SimpleQueueService.NonExistentQueue', type: 'Sender', message: 'gone' });
    expect(xml).toContain(
      '<Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>gone</Message>',
    );
  });
});
