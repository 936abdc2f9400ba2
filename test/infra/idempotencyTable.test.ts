import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import type { CellDefinition } from '../../cells/definition.ts';
import { IDEMPOTENCY_RECORD } from '../../schemas/idempotencyRecord.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { logicalIdOf, refersTo, resourcesOf, statementsOfRole } from './support/templateQueries.ts';

/** The ingest API's idempotency table: encrypted, on demand, TTL, retained, and only ingest may use it. */
let synth: SynthesizedCells;
const cells: CellDefinition[] = awsCells();
const template = (cellId: string): Template => synth.templates.get(cellId)!;

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

/** The idempotency table (the cell also has a failure table: test/infra/dlqRecovery.test.ts). */
function tableOf(t: Template) {
  const tables = [...resourcesOf(t, 'AWS::DynamoDB::Table')].filter(([, table]) =>
    String(table.Properties.TableName).endsWith('-idempotency'),
  );
  expect(tables).toHaveLength(1);
  return tables[0]!;
}

function ingestRoleId(t: Template): string {
  const [, fn] = [...resourcesOf(t, 'AWS::Lambda::Function')].find(([, f]) =>
    String(f.Properties.FunctionName).endsWith('-ingest'),
  )!;
  return logicalIdOf(fn.Properties.Role);
}

describe.each(cells.map((cell) => [cell.id, cell] as const))('cell %s idempotency table', (cellId, cell) => {
  it('is on demand, encrypted with the cell key, expires records by TTL and is retained on deletion', () => {
    const t = template(cellId);
    const [, table] = tableOf(t);
    const [keyId] = Object.keys(t.findResources('AWS::KMS::Key'));
    expect(table.Properties).toMatchObject({
      TableName: `bems-${cell.id}-idempotency`,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: IDEMPOTENCY_RECORD.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_RECORD.partitionKey, AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_RECORD.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
    expect(logicalIdOf(table.Properties.SSESpecification.KMSMasterKeyId)).toBe(keyId);
    const policies = table as unknown as { DeletionPolicy?: string; UpdateReplacePolicy?: string };
    expect(policies.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(policies.UpdateReplacePolicy).toBe('Retain');
  });

  it('gives ingest its name and window, and only the record operations on it', () => {
    const t = template(cellId);
    const [tableId] = tableOf(t);
    const [, ingest] = [...resourcesOf(t, 'AWS::Lambda::Function')].find(([, f]) =>
      String(f.Properties.FunctionName).endsWith('-ingest'),
    )!;
    const env = ingest.Properties.Environment.Variables;
    expect(logicalIdOf(env.IDEMPOTENCY_TABLE_NAME)).toBe(tableId);
    expect(env.IDEMPOTENCY_WINDOW_HOURS).toBe(String(cell.api.idempotencyWindowHours));

    const onTable = statementsOfRole(t, ingestRoleId(t)).filter((s) =>
      [s.Resource].flat().some((r: unknown) => refersTo(r, tableId)),
    );
    expect(onTable.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PartiQLInsert',
      'dynamodb:PutItem',
    ]);
  });

  it('is granted to no other function', () => {
    const t = template(cellId);
    const [tableId] = tableOf(t);
    const ingestRole = ingestRoleId(t);
    for (const [roleId] of resourcesOf(t, 'AWS::IAM::Role')) {
      if (roleId === ingestRole) continue;
      const touching = statementsOfRole(t, roleId).filter((s) => JSON.stringify(s.Resource ?? '').includes(tableId));
      expect(touching, roleId).toEqual([]);
    }
  });
});
