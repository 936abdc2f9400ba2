import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { budgetDecision, holdReason } from '../../../handlers/monitor/autoRedrive.ts';
import {
  decodeDlqMessage,
  redriveDeduplicationId,
  redriveMessageAttributes,
} from '../../../handlers/shared/dlq/DlqMessage.ts';
import type { DlqRoute } from '../../../handlers/shared/dlq/DlqRoute.ts';
import { REDRIVE_ATTRIBUTES } from '../../../schemas/messageAttributes.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';
import { buildEventDetail } from '../../helpers/sqsEvents.ts';

const ROUTE: DlqRoute = {
  stage: 'posting',
  consumer: 'recorder',
  role: 'consumer',
  slaSeconds: 900,
  source: { name: 'q.fifo', url: 'http://sqs/000000000000/q.fifo', fifo: true, maxReceiveCount: 5 },
  dlq: { name: 'q-dlq.fifo', url: 'http://sqs/000000000000/q-dlq.fifo' },
};

const DETAIL = buildEventDetail(buildInvoiceEvent('posting', { invoiceId: 'INV-7', status: 'posted' } as never));

function dlqMessage(redriveCount?: number, extra: Partial<Message> = {}): Message {
  const detail = DETAIL;
  return {
    MessageId: 'm-1',
    ReceiptHandle: 'rh-1',
    Body: JSON.stringify(detail),
    Attributes: {
      ApproximateReceiveCount: '6',
      SentTimestamp: '1700000000000',
      ApproximateFirstReceiveTimestamp: '1700000000500',
      MessageGroupId: 'INV-7',
      MessageDeduplicationId: detail.eventId,
    },
    MessageAttributes: {
      stage: { DataType: 'String', StringValue: 'posting' },
      ...(redriveCount !== undefined
        ? {
            [REDRIVE_ATTRIBUTES.count]: { DataType: 'Number', StringValue: String(redriveCount) },
            [REDRIVE_ATTRIBUTES.firstFailedAt]: { DataType: 'Number', StringValue: '1600000000000' },
          }
        : {}),
    },
    ...extra,
  };
}

describe('redrive budget on the message', () => {
  it('reads the redrive count from the message and counts a message never redriven as 0', () => {
    expect(decodeDlqMessage(dlqMessage(), ROUTE).redriveCount).toBe(0);
    expect(decodeDlqMessage(dlqMessage(2), ROUTE).redriveCount).toBe(2);
  });

  it('redrives while the budget lasts and parks the message once it is spent', () => {
    const decide = budgetDecision(3);
    expect(decide(decodeDlqMessage(dlqMessage(), ROUTE))).toBe('redrive');
    expect(decide(decodeDlqMessage(dlqMessage(2), ROUTE))).toBe('redrive');
    expect(decide(decodeDlqMessage(dlqMessage(3), ROUTE))).toBe('park');
    expect(decide(decodeDlqMessage(dlqMessage(7), ROUTE))).toBe('park');
  });

  it('sends a redriven message with its attributes, the count raised by one and the first failure kept', () => {
    // Prepare
    const first = decodeDlqMessage(dlqMessage(), ROUTE);
    const again = decodeDlqMessage(dlqMessage(1), ROUTE);

    // Act
    const firstAttributes = redriveMessageAttributes(first, 1_800_000_000_000);
    const againAttributes = redriveMessageAttributes(again, 1_800_000_000_000);

    // Assess
    expect(firstAttributes.stage).toEqual({ DataType: 'String', StringValue: 'posting' });
    expect(firstAttributes[REDRIVE_ATTRIBUTES.count]).toEqual({ DataType: 'Number', StringValue: '1' });
    // Never redriven: the first failure is the first receive from the source queue.
    expect(firstAttributes[REDRIVE_ATTRIBUTES.firstFailedAt]!.StringValue).toBe('1700000000500');
    expect(againAttributes[REDRIVE_ATTRIBUTES.count]!.StringValue).toBe('2');
    expect(againAttributes[REDRIVE_ATTRIBUTES.firstFailedAt]!.StringValue).toBe('1600000000000');
  });

  it('gives each redrive of an event a fresh deduplication id, the same one for the same attempt', () => {
    const message = decodeDlqMessage(dlqMessage(), ROUTE);
    const id = redriveDeduplicationId(message);
    expect(id).toBe(`${message.eventId}:r1`);
    expect(redriveDeduplicationId(decodeDlqMessage(dlqMessage(), ROUTE))).toBe(id);
    expect(redriveDeduplicationId(decodeDlqMessage(dlqMessage(1), ROUTE))).toBe(`${message.eventId}:r2`);
  });

  it('decodes a malformed body without failing, so it can still be listed and redriven', () => {
    const message = decodeDlqMessage(dlqMessage(undefined, { Body: 'not json' }), ROUTE);
    expect(message.decodeError).toMatch(/not JSON/);
    expect(message.eventId).toBeUndefined();
    expect(redriveDeduplicationId(message).endsWith(':r1')).toBe(true);
  });
});

describe('automatic redrive gate', () => {
  const stats = (name: string, total: number, oldestAgeSeconds: number | null = null) => ({
    name,
    visible: total,
    inFlight: 0,
    oldestAgeSeconds,
  });

  it('waits on its first look at a DLQ', () => {
    expect(holdReason({ route: ROUTE, dlq: stats('d', 5), source: stats('q', 0), previousDepth: undefined })).toMatch(
      /first look/,
    );
  });

  it('holds back while new messages keep arriving in the DLQ', () => {
    expect(holdReason({ route: ROUTE, dlq: stats('d', 8), source: stats('q', 0), previousDepth: 5 })).toMatch(
      /3 new failure/,
    );
  });

  it('holds back while the source queue is backlogged', () => {
    expect(holdReason({ route: ROUTE, dlq: stats('d', 5), source: stats('q', 900, 300), previousDepth: 5 })).toMatch(
      /backlogged/,
    );
  });

  it('opens when the DLQ is stable and the source queue keeps up', () => {
    expect(
      holdReason({ route: ROUTE, dlq: stats('d', 5), source: stats('q', 3, 2), previousDepth: 5 }),
    ).toBeUndefined();
    expect(holdReason({ route: ROUTE, dlq: stats('d', 4), source: stats('q', 0), previousDepth: 5 })).toBeUndefined();
  });
});
