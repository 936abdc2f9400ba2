import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CELLS } from '../../cells/cells.config.ts';
import { CellDefinitionError, parseCellDefinitions } from '../../cells/definition.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { byName, logicalIdOf, resourcesOf } from './support/templateQueries.ts';

/**
 * AWS Backup of each cell (docs/RECOVERY.md): a plan on the configured schedule and retention, a vault
 * encrypted with the cell key, an optional copy to a vault in another Region, and a selection of
 * exactly the stores AWS Backup supports — the idempotency table, the Timestream table, the S3
 * buckets of rejected/undeliverable records — never the S3 Tables bucket.
 */
const COPY_VAULT = 'arn:aws:backup:eu-north-1:111111111111:backup-vault:bems-dr';
const [timestreamCell, lakehouseCell, disabledCell] = parseCellDefinitions([
  { ...structuredClone(AWS_CELLS[0]!), backup: { retentionDays: 14, copyToVaultArn: COPY_VAULT } },
  structuredClone(AWS_CELLS[2]!),
  { ...structuredClone(AWS_CELLS[1]!), backup: { enabled: false } },
]);
let synth: SynthesizedCells;

beforeAll(() => {
  synth = synthCells([timestreamCell!, lakehouseCell!, disabledCell!]);
}, 120_000);
afterAll(() => synth?.cleanUp());

const selected = (cellId: string) => {
  const template = synth.templates.get(cellId)!;
  const [selection] = resourcesOf(template, 'AWS::Backup::BackupSelection').values();
  // A reference (by logical id), or the ARN the stack spells out (the Timestream table's).
  return (selection!.Properties.BackupSelection.Resources as unknown[]).map((r) =>
    typeof r === 'string' ? r : logicalIdOf(r),
  );
};

describe('cell backup', () => {
  it('keeps recovery points for the configured days in a vault encrypted with the cell key, copied to another Region', () => {
    const template = synth.templates.get(timestreamCell!.id)!;
    const [, vault] = byName(
      template,
      'AWS::Backup::BackupVault',
      'BackupVaultName',
      `bems-${timestreamCell!.id}-backup`,
    );
    const [plan] = resourcesOf(template, 'AWS::Backup::BackupPlan').values();
    const [rule] = plan!.Properties.BackupPlan.BackupPlanRule;
    const keyId = logicalIdOf(vault.Properties.EncryptionKeyArn);

    // The cell key (the only customer-managed key of the stack), rotated yearly and kept on delete.
    expect([...resourcesOf(template, 'AWS::KMS::Key').keys()]).toEqual([keyId]);
    expect(resourcesOf(template, 'AWS::KMS::Key').get(keyId)?.Properties.EnableKeyRotation).toBe(true);
    expect((vault as unknown as { DeletionPolicy?: string }).DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(rule).toMatchObject({
      ScheduleExpression: 'cron(0 * * * ? *)',
      Lifecycle: { DeleteAfterDays: 14 },
      CopyActions: [{ DestinationBackupVaultArn: COPY_VAULT, Lifecycle: { DeleteAfterDays: 14 } }],
    });
  });

  it('selects the idempotency table, the Timestream table and the rejected-records bucket of a Timestream cell', () => {
    const template = synth.templates.get(timestreamCell!.id)!;
    const [table] = byName(template, 'AWS::DynamoDB::Table', 'TableName', `bems-${timestreamCell!.id}-idempotency`);
    const timestream = `arn:aws:timestream:${timestreamCell!.region}:${timestreamCell!.account}:database/bems-${timestreamCell!.id}/table/invoice_events`;
    const buckets = [...resourcesOf(template, 'AWS::S3::Bucket').keys()];

    const ids = selected(timestreamCell!.id);
    expect(ids).toHaveLength(3);
    expect(ids).toEqual(expect.arrayContaining([table, timestream]));
    expect(buckets).toContain(ids.find((id) => id !== table && id !== timestream));
  });

  it('selects the idempotency table and the Firehose error bucket of a lakehouse cell, not the table bucket', () => {
    const template = synth.templates.get(lakehouseCell!.id)!;
    const ids = selected(lakehouseCell!.id);
    const types = ids.map((id) => template.toJSON().Resources[id]?.Type);

    expect(types.sort()).toEqual(['AWS::DynamoDB::Table', 'AWS::S3::Bucket']);
    const [rule] = [...resourcesOf(template, 'AWS::Backup::BackupPlan').values()][0]!.Properties.BackupPlan
      .BackupPlanRule;
    expect(rule.CopyActions).toBeUndefined();
  });

  it('creates nothing for a cell with backup.enabled false', () => {
    const template = synth.templates.get(disabledCell!.id)!;
    expect(resourcesOf(template, 'AWS::Backup::BackupVault').size).toBe(0);
    expect(resourcesOf(template, 'AWS::Backup::BackupPlan').size).toBe(0);
  });

  it('refuses a copy vault in the cell’s own Region and a malformed one, by field path', () => {
    const definition = (copyToVaultArn: string) => ({ ...structuredClone(AWS_CELLS[0]!), backup: { copyToVaultArn } });
    expect(() => parseCellDefinitions([definition('arn:aws:backup:eu-west-1:111111111111:backup-vault:x')])).toThrow(
      /backup\.copyToVaultArn: the copy vault must be in another Region than eu-west-1/,
    );
    expect(() => parseCellDefinitions([definition('vault-x')])).toThrow(CellDefinitionError);
    expect(() => parseCellDefinitions([definition('vault-x')])).toThrow(
      /backup\.copyToVaultArn: must be a backup vault ARN/,
    );
  });
});
