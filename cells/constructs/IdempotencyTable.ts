import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { IDEMPOTENCY_RECORD } from '../../schemas/idempotencyRecord.ts';
import { acknowledge } from './acknowledge.ts';
import { type CellDataProps, dataRemovalPolicy } from './cellData.ts';

export interface IdempotencyTableProps extends CellDataProps {
  readonly tableName: string;
}

/**
 * The ingest API's idempotency records: one item per eventId (key: a hash of it), with the hash of
 * the event's content and its outcome, kept for the cell's idempotency window.
 *
 * On-demand: the writes follow the event rate (two per new event), which has surges a provisioned
 * capacity would have to be sized for. TTL deletes records once the window is over (free of
 * charge; within days — the utility itself treats an expired record as absent, so the window is
 * exact). Encrypted with the cell key. Retained on stack deletion like every store of the cell
 * (`CELL_DATA_REMOVAL_POLICY`): deleting it in a live cell would make the window restart. Its name
 * stays fixed (operators look records up by it); a table a deleted stack kept is worth nothing once
 * the window is over and is deleted before the cell is created again (docs/OPERATIONS.md).
 */
export class IdempotencyTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: IdempotencyTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: IDEMPOTENCY_RECORD.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      timeToLiveAttribute: IDEMPOTENCY_RECORD.ttlAttribute,
      removalPolicy: dataRemovalPolicy(props),
    });
    acknowledge(
      this.table,
      'AwsSolutions-DDB3',
      'Idempotency records live for the idempotency window (24 h by default) and are rebuilt by use; a point-in-time restore would bring back stale claims, and the bus archive is the record of what was accepted.',
    );
  }

  /**
   * What the ingest function does with a record — the PartiQL INSERTs of a request's claims
   * (BatchExecuteStatement, authorised per statement as `PartiQLInsert`, ADR 0022), the conditional
   * put a taken key falls back to, the read, and the BatchWriteItem that settles a request's claims
   * (COMPLETED puts and releases, ADR 0021) — and the key actions DynamoDB makes on the caller's
   * behalf for a table encrypted with a customer-managed key (named one by one: no wildcard actions
   * on the cell key).
   */
  grantRecordAccess(grantee: iam.IGrantable): void {
    this.table.grant(
      grantee,
      'dynamodb:PartiQLInsert',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:BatchWriteItem',
    );
    this.table.encryptionKey?.grant(grantee, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
  }
}
