import { type AttributeValue, type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { FAILURE_RECORD, type FailureRecord, FailureRecordSchema } from '../../../schemas/failureRecord.ts';

/** A failure as a handler knows it; the store adds the times it keeps. */
export type FailureReport = Omit<FailureRecord, 'firstFailedAt' | 'lastFailedAt' | 'expiresAt'>;

/**
 * The failure records of a cell (`schemas/failureRecord.ts`): the consume and forward functions
 * write, `bems` reads. One item per event and queue, overwritten by each failure (the first failure
 * time kept), deleted by TTL 15 days after the last.
 */
export interface FailureStore {
  record(failure: FailureReport, nowMs: number): Promise<void>;
  get(eventKey: string, route: string): Promise<FailureRecord | undefined>;
}

/** The failure table in DynamoDB (the local cell's DynamoDB emulator, or the cell's table on AWS). */
export class DynamoFailureStore implements FailureStore {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async record(failure: FailureReport, nowMs: number): Promise<void> {
    const now = new Date(nowMs).toISOString();
    const values: Record<string, AttributeValue> = {
      ':stage': { S: failure.stage },
      ':messageId': { S: failure.messageId },
      ':errorClass': { S: failure.errorClass },
      ':errorMessage': { S: failure.errorMessage },
      ':kind': { S: failure.kind },
      ':attempt': { N: String(failure.attempt) },
      ':now': { S: now },
      ':expiresAt': { N: String(Math.floor(nowMs / 1000) + FAILURE_RECORD.retentionDays * 86_400) },
    };
    const sets = [
      'stage = :stage',
      'messageId = :messageId',
      'errorClass = :errorClass',
      'errorMessage = :errorMessage',
      'kind = :kind',
      'attempt = :attempt',
      'lastFailedAt = :now',
      'firstFailedAt = if_not_exists(firstFailedAt, :now)',
      `${FAILURE_RECORD.ttlAttribute} = :expiresAt`,
    ];
    for (const key of ['consumer', 'invoiceId'] as const) {
      const value = failure[key];
      if (value === undefined) continue;
      values[`:${key}`] = { S: value };
      sets.push(`${key} = :${key}`);
    }
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: {
          [FAILURE_RECORD.partitionKey]: { S: failure.eventId },
          [FAILURE_RECORD.sortKey]: { S: failure.route },
        },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async get(eventKey: string, route: string): Promise<FailureRecord | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [FAILURE_RECORD.partitionKey]: { S: eventKey }, [FAILURE_RECORD.sortKey]: { S: route } },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const plain = Object.fromEntries(
      Object.entries(Item).map(([name, value]) => [name, value.N !== undefined ? Number(value.N) : value.S]),
    );
    const parsed = FailureRecordSchema.safeParse(plain);
    return parsed.success ? parsed.data : undefined;
  }
}
