import { describe, expect, it } from 'vitest';
import { AWS_CELLS } from '../../../cells/cells.config.ts';
import { CellDefinitionError, parseCellDefinitions } from '../../../cells/definition.ts';

/** The `access` block of a cell (cross-account roles) is refused with its field path before any synthesis. */
const base = AWS_CELLS[0]!;

function problemsOf(access: unknown): readonly string[] {
  try {
    parseCellDefinitions([{ ...base, access } as never]);
    return [];
  } catch (error) {
    if (error instanceof CellDefinitionError) return error.problems;
    throw error;
  }
}

describe('cell access definition', () => {
  it('accepts an operations account, a finance account and an organization condition', () => {
    const [cell] = parseCellDefinitions([
      {
        ...base,
        access: { operationsAccount: '444444444444', financeAccount: '555555555555', principalOrgId: 'o-a1b2c3d4e5' },
      },
    ]);
    expect(cell!.access).toEqual({
      operationsAccount: '444444444444',
      financeAccount: '555555555555',
      principalOrgId: 'o-a1b2c3d4e5',
    });
  });

  it.each([
    [
      { operationsAccount: '4444', principalOrgId: 'o-a1b2c3d4e5' },
      'access.operationsAccount: must be a 12-digit AWS account id',
    ],
    [
      { operationsAccount: '444444444444', financeAccount: '55555555555x', externalId: 'abc' },
      'access.financeAccount: must be a 12-digit AWS account id',
    ],
    [
      { operationsAccount: '444444444444', principalOrgId: 'org-1' },
      'access.principalOrgId: must be an AWS Organizations id',
    ],
    [{ operationsAccount: '444444444444', externalId: 'a b' }, 'access.externalId: must be 2-1224 characters'],
    [{ operationsAccount: '444444444444' }, 'access: needs principalOrgId or externalId'],
    [{ operationsAccount: '444444444444', externalId: 'x1', role: 'admin' }, 'access: Unrecognized key: "role"'],
  ])('refuses %j with the field path', (access, problem) => {
    expect(problemsOf(access).join('\n')).toContain(`cell "${base.id}": ${problem}`);
  });
});
