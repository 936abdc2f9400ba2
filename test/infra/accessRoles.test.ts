import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { accessRoleName, type CellDefinition } from '../../cells/definition.ts';
import { cellTopology } from '../../cells/topology.ts';
import { allows, arnResolver, trustAllows } from './support/iamEvaluation.ts';
import { type SynthesizedCells, synthCells, variantCell } from './support/synthCells.ts';
import { byName, statementsOfRole } from './support/templateQueries.ts';

/**
 * The cross-account roles of every cell with an `access` block (issue 16): who may assume them,
 * under which condition, and what each may do — evaluated on the synthesized policies.
 */
let synth: SynthesizedCells;
const cells: CellDefinition[] = [...awsCells(), variantCell()];
const withAccess = awsCells().filter((cell) => cell.access);

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

function role(t: Template, name: string) {
  const [id, resource] = byName(t, 'AWS::IAM::Role', 'RoleName', name);
  return { id, trust: resource.Properties.AssumeRolePolicyDocument, statements: statementsOfRole(t, id) };
}

it('every configured AWS cell has an access block (the roles exist in each cell)', () => {
  expect(withAccess.map((c) => c.id)).toEqual(awsCells().map((c) => c.id));
});

describe.each(withAccess.map((cell) => [cell.id, cell] as const))('cell %s access roles', (cellId, cell) => {
  const access = cell.access!;
  const t = () => synth.templates.get(cellId)!;
  const arn = () => arnResolver(t(), cell.region, cell.account);
  const queue = (name: string) => `arn:aws:sqs:${cell.region}:${cell.account}:${name}`;
  const topology = cellTopology(cell);
  const posting = topology.stages.find((s) => s.stage === 'posting')!.consumers[0]!.queue;
  const inside = { principalOrgId: access.principalOrgId, externalId: access.externalId };

  it('names both roles bems-<cell>-operator and bems-<cell>-readonly and publishes their ARNs', () => {
    expect(role(t(), `bems-${cellId}-operator`).statements.length).toBeGreaterThan(0);
    expect(role(t(), `bems-${cellId}-readonly`).statements.length).toBeGreaterThan(0);
    t().hasOutput('AccessOperatorRoleArn', {});
    t().hasOutput('AccessReadonlyRoleArn', {});
  });

  it('lets the operations account assume the operator role only with the condition', () => {
    const { trust } = role(t(), `bems-${cellId}-operator`);
    expect(trust.Statement.every((s: { Condition?: unknown }) => s.Condition !== undefined)).toBe(true);
    expect(trustAllows(trust, { account: access.operationsAccount, ...inside })).toBe(true);
    expect(trustAllows(trust, { account: access.operationsAccount })).toBe(false);
    if (access.principalOrgId)
      expect(trustAllows(trust, { account: access.operationsAccount, ...inside, principalOrgId: 'o-zzzzzzzzzz' })).toBe(
        false,
      );
    if (access.externalId)
      expect(trustAllows(trust, { account: access.operationsAccount, ...inside, externalId: 'guess' })).toBe(false);
    expect(trustAllows(trust, { account: access.financeAccount ?? '999999999999', ...inside })).toBe(false);
  });

  it('lets the operations and finance accounts assume the read-only role, with the condition', () => {
    const { trust } = role(t(), `bems-${cellId}-readonly`);
    expect(trustAllows(trust, { account: access.operationsAccount, ...inside })).toBe(true);
    if (access.financeAccount) {
      expect(trustAllows(trust, { account: access.financeAccount, ...inside })).toBe(true);
      expect(trustAllows(trust, { account: access.financeAccount })).toBe(false);
    }
    expect(trustAllows(trust, { account: '999999999999', ...inside })).toBe(false);
  });

  it('gives the operator what peek, redrive and replay need, on the cell only', () => {
    const { statements } = role(t(), `bems-${cellId}-operator`);
    const may = (action: string, resource: string) => allows(statements, action, resource, arn());
    for (const action of [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:StartMessageMoveTask',
    ])
      expect(may(action, queue(posting.dlqName)), action).toBe(true);
    expect(may('sqs:SendMessage', queue(posting.name))).toBe(true);
    // Messages leave a DLQ only towards their queue: no receive from, or delete in, the live queue.
    expect(may('sqs:ReceiveMessage', queue(posting.name))).toBe(false);
    expect(may('sqs:DeleteMessage', queue(posting.name))).toBe(false);
    expect(may('sqs:PurgeQueue', queue(posting.dlqName))).toBe(false);
    expect(may('sqs:ReceiveMessage', queue(`bems-other-${posting.dlqName}`))).toBe(false);
    const archive = `<${Object.keys(t().findResources('AWS::Events::Archive'))[0]}>`;
    expect(may('events:StartReplay', archive)).toBe(true);
    expect(may('events:DescribeReplay', `arn:aws:events:${cell.region}:${cell.account}:replay/bems-all-1`)).toBe(true);
    expect(may('events:StartReplay', `arn:aws:events:${cell.region}:${cell.account}:archive/other`)).toBe(false);
    expect(may('ssm:GetParametersByPath', `arn:aws:ssm:${cell.region}:${cell.account}:parameter/bems/${cellId}`)).toBe(
      true,
    );
    expect(may('ssm:GetParameter', `arn:aws:ssm:${cell.region}:${cell.account}:parameter/bems/other/x`)).toBe(false);
  });

  it('gives the read-only role status reads and no message content', () => {
    const { statements } = role(t(), `bems-${cellId}-readonly`);
    const may = (action: string, resource: string) => allows(statements, action, resource, arn());
    expect(may('sqs:GetQueueAttributes', queue(posting.dlqName))).toBe(true);
    expect(may('ssm:GetParametersByPath', `arn:aws:ssm:${cell.region}:${cell.account}:parameter/bems/${cellId}`)).toBe(
      true,
    );
    expect(may('cloudwatch:GetMetricData', '*')).toBe(true);
    // The monitor's alert state (ADR 0025): that one object of the parked bucket, decrypted only
    // through S3 and only for that bucket; no parked message.
    const stateRead = statements.find((s) => JSON.stringify(s.Resource).includes('/monitor/alert-state.json'));
    expect([stateRead?.Action].flat()).toEqual(['s3:GetObject']);
    expect(statements.some((s) => JSON.stringify(s.Resource).includes('/parked/'))).toBe(false);
    const list = statements.filter((s) => [s.Action].flat().includes('s3:ListBucket'));
    expect(list.map((s) => s.Condition)).toEqual([{ StringEquals: { 's3:prefix': 'monitor/alert-state.json' } }]);
    const decrypt = statements.filter((s) => [s.Action].flat().includes('kms:Decrypt'));
    expect(decrypt).toHaveLength(1);
    expect(decrypt[0]!.Condition.StringEquals).toEqual({
      'kms:ViaService': `s3.${cell.region}.amazonaws.com`,
      'kms:EncryptionContext:aws:s3:arn': expect.anything(),
    });
    for (const action of ['sqs:ReceiveMessage', 'sqs:SendMessage', 'sqs:DeleteMessage', 'events:StartReplay'])
      expect(
        statements.some((s) =>
          [s.Action].flat().some((a: string) => a === action || a === `${action.split(':')[0]}:*`),
        ),
        action,
      ).toBe(false);
  });

  it('keeps each role policy within the 10,240-character inline limit once ARNs are resolved', () => {
    for (const level of ['operator', 'readonly']) {
      const { statements } = role(t(), `bems-${cellId}-${level}`);
      const resolved = JSON.stringify(statements, (_key, value) =>
        value && typeof value === 'object' && ('Fn::GetAtt' in value || 'Ref' in value)
          ? arn()(value).padEnd(90)
          : value,
      );
      expect(resolved.replace(/\s/g, '').length, level).toBeLessThan(10_240);
    }
  });
});

it('creates no access role for a cell without an access block', () => {
  const variant = variantCell();
  expect(variant.access).toBeUndefined();
  const names = Object.values(synth.templates.get(variant.id)!.findResources('AWS::IAM::Role')).map(
    (r) => (r as { Properties: { RoleName?: string } }).Properties.RoleName,
  );
  // The cell's own `-dlq-operator` role (DlqRecoveryStore, same account) is not an access role.
  const accessRoles = [accessRoleName(variant.id, 'operator'), accessRoleName(variant.id, 'readonly')];
  expect(names.filter((n) => n !== undefined && accessRoles.includes(n))).toEqual([]);
  expect(names).toContain(`bems-${variant.id}-dlq-operator`);
});
