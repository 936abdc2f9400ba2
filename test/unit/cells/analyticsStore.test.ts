import { describe, expect, it } from 'vitest';
import {
  CellDefinitionError,
  type CellDefinitionInput,
  parseCellDefinition,
  parseCellDefinitions,
} from '../../../cells/definition.ts';

const BASE: CellDefinitionInput = {
  id: 'x',
  account: '123456789012',
  region: 'eu-west-1',
  apiClients: [{ name: 'a' }],
};

function problemsOf(inputs: CellDefinitionInput[]): readonly string[] {
  try {
    parseCellDefinitions(inputs);
  } catch (error) {
    if (error instanceof CellDefinitionError) return error.problems;
    throw error;
  }
  return [];
}

describe('the analytics store of a cell', () => {
  it('defaults to timestream, as every cell behaved before the choice existed', () => {
    expect(parseCellDefinition(BASE).analytics).toEqual({ store: 'timestream' });
  });

  it('accepts lakehouse', () => {
    expect(parseCellDefinition({ ...BASE, analytics: { store: 'lakehouse' } }).analytics.store).toBe('lakehouse');
  });

  it('keeps timestream options on a timestream cell', () => {
    const cell = parseCellDefinition({
      ...BASE,
      analytics: { store: 'timestream' },
      timestream: { memoryRetentionHours: 12 },
    });
    expect(cell.timestream.memoryRetentionHours).toBe(12);
  });

  it('refuses an unknown store with its field path', () => {
    const problems = problemsOf([{ ...BASE, analytics: { store: 'influxdb' as 'lakehouse' } }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^cell "x": analytics\.store: /);
    expect(problems[0]).toContain('lakehouse');
  });

  it('refuses the timestream options on a lakehouse cell, with the field path', () => {
    const problems = problemsOf([
      { ...BASE, analytics: { store: 'lakehouse' }, timestream: { magneticRetentionDays: 365 } },
    ]);
    expect(problems).toEqual([
      'cell "x": timestream: options of the "timestream" store on a cell whose analytics.store is "lakehouse"',
    ]);
  });

  it('refuses an option of another store inside the analytics block', () => {
    const problems = problemsOf([
      { ...BASE, analytics: { store: 'lakehouse', memoryRetentionHours: 24 } as { store: 'lakehouse' } },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^cell "x": analytics: .*memoryRetentionHours/);
  });

  it('reports the store problems of every cell together with the others', () => {
    const problems = problemsOf([
      { ...BASE, analytics: { store: 'lakehouse' }, timestream: {} },
      { ...BASE, id: 'y', analytics: { store: 'nope' as 'lakehouse' } },
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^cell "x": timestream: /);
    expect(problems[1]).toMatch(/^cell "y": analytics\.store: /);
  });
});
