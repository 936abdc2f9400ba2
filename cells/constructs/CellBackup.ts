import { Duration } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { CellDefinition } from '../definition.ts';
import { resourcePrefix } from '../topology.ts';
import { acknowledge } from './acknowledge.ts';
import { CELL_DATA_REMOVAL_POLICY } from './cellData.ts';
import type { IdempotencyTable } from './IdempotencyTable.ts';
import type { LakehouseStore } from './LakehouseStore.ts';
import type { TimeseriesStore } from './TimeseriesStore.ts';

export interface CellBackupProps {
  /** The cell key: it encrypts the vault as it does every other store of the cell (kept on delete). */
  readonly encryptionKey: kms.IKey;
  /** The cell: its `backup` block says what to do (the construct exists only when `enabled` is true). */
  readonly cell: CellDefinition;
  /**
   * The cell's data stores. AWS Backup backs up the idempotency table (DynamoDB), the Timestream
   * table, and the versioned S3 buckets of rejected or undeliverable records; the S3 Tables table
   * bucket of a lakehouse cell is not an AWS Backup resource (its snapshots and the archive cover it,
   * RECOVERY.md).
   */
  readonly stores: {
    readonly idempotency: IdempotencyTable;
    readonly timeseries?: TimeseriesStore | undefined;
    readonly lakehouse?: LakehouseStore | undefined;
  };
}

/** The ARNs of the stores AWS Backup can back up. */
export function backedUpArns(stores: CellBackupProps['stores']): string[] {
  return [
    stores.idempotency.table.tableArn,
    ...(stores.timeseries ? [stores.timeseries.tableArn, stores.timeseries.rejectedRecordsBucket.bucketArn] : []),
    ...(stores.lakehouse ? [stores.lakehouse.errorBucket.bucketArn] : []),
  ];
}

/**
 * The cell's AWS Backup plan and vault (docs/RECOVERY.md): one rule on the configured schedule,
 * recovery points kept `retentionDays` in a vault encrypted with the cell key, optionally copied
 * to a vault in another Region (whose own key encrypts the copy). Vault and key are kept when the
 * stack is deleted (not by a failed create): the backups are what a deleted cell is restored from.
 * `createCellApp` adds it to a cell stack only when the cell's `backup.enabled` is true.
 */
export class CellBackup extends Construct {
  public readonly vault: backup.BackupVault;
  public readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: CellBackupProps) {
    super(scope, id);
    const settings = props.cell.backup;
    const prefix = resourcePrefix(props.cell.id);
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: `${prefix}-backup`,
      encryptionKey: props.encryptionKey,
      removalPolicy: CELL_DATA_REMOVAL_POLICY,
    });
    const retention = Duration.days(settings.retentionDays);
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `${prefix}-backup`,
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'scheduled',
          scheduleExpression: events.Schedule.expression(settings.scheduleExpression),
          deleteAfter: retention,
          ...(settings.copyToVaultArn
            ? {
                copyActions: [
                  {
                    destinationBackupVault: backup.BackupVault.fromBackupVaultArn(
                      this,
                      'CopyVault',
                      settings.copyToVaultArn,
                    ),
                    deleteAfter: retention,
                  },
                ],
              }
            : {}),
        }),
      ],
    });
    const selection = this.plan.addSelection('Stores', {
      backupSelectionName: `${prefix}-stores`,
      resources: backedUpArns(props.stores).map((arn) => backup.BackupResource.fromArn(arn)),
    });
    acknowledge(
      selection,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'The AWS managed backup policy is what AWS Backup documents for its service role; the selection names the only resources it backs up.',
    );
  }
}
