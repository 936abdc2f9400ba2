import { describe, expect, it } from 'vitest';
import { AWS_CELLS } from '../../../cells/cells.config.ts';
import { CellDefinitionError, parseCellDefinition } from '../../../cells/definition.ts';
import { functionPlan } from '../../../cells/functionPlan.ts';
import { main } from '../../../ops/cli.ts';
import { estimateMonthlyCost, PRICE_TABLE, provisionedFunctionsOf } from '../../../ops/cost/index.ts';

/** Provisioned concurrency: a per-function option of the definition, in the function plan, priced by `bems cost`. */
const cellWith = (provisionedConcurrency: Record<string, number>) =>
  parseCellDefinition({ ...structuredClone(AWS_CELLS[1]!), provisionedConcurrency });

describe('provisioned concurrency', () => {
  it('is part of the function plan for the function the definition names, and of no other', () => {
    const plan = functionPlan(cellWith({ ingest: 4, 'consume-posting-recorder': 2 }));

    expect(plan.ingest.provisionedConcurrency).toBe(4);
    expect(plan.consumers.map((c) => [c.key, c.provisionedConcurrency])).toEqual([
      ['consume-ingestion-recorder', undefined],
      ['consume-reconciliation-recorder', undefined],
      ['consume-authorization-recorder', undefined],
      ['consume-posting-recorder', 2],
    ]);
    expect(plan.forward.provisionedConcurrency).toBeUndefined();
    expect(plan.monitor.provisionedConcurrency).toBeUndefined();
  });

  it('refuses a function the cell does not have, and the monitor, by field path', () => {
    expect(() => cellWith({ ingets: 2, monitor: 1 })).toThrow(CellDefinitionError);
    try {
      cellWith({ ingets: 2, monitor: 1 });
    } catch (error) {
      const problems = (error as CellDefinitionError).problems;
      expect(problems).toEqual([
        expect.stringMatching(
          /^cell "use1-a": provisionedConcurrency\.ingets: no such function in this cell; one of ingest, forward, consume-ingestion-recorder, consume-reconciliation-recorder, consume-authorization-recorder, consume-posting-recorder$/,
        ),
        expect.stringMatching(/provisionedConcurrency\.monitor: .*runs once a minute/),
      ]);
    }
  });

  it('is billed every second of the month, used or not: instances × memory × price', () => {
    const cell = cellWith({ ingest: 10 });
    const [fn] = provisionedFunctionsOf(cell);
    const price = PRICE_TABLE.regions['us-east-1'].lambdaArmProvisionedGbSecond.tiers[0]!.price;

    const without = estimateMonthlyCost({ eventsPerDay: 1_000_000, region: 'us-east-1' });
    const withPc = estimateMonthlyCost({ eventsPerDay: 1_000_000, region: 'us-east-1', provisioned: [fn!] });
    const idle = estimateMonthlyCost({ eventsPerDay: 0, region: 'us-east-1', provisioned: [fn!] });

    const expected = 10 * (512 / 1024) * 730 * 3600 * price;
    expect(fn).toEqual({ functionName: 'bems-use1-a-ingest', concurrency: 10, memoryMiB: 512 });
    expect(withPc.byService.lambda - without.byService.lambda).toBeCloseTo(expected, 6);
    expect(idle.monthlyUsd).toBeGreaterThanOrEqual(expected);
    expect(withPc.lines.find((l) => l.item.startsWith('provisioned concurrency'))?.lowConfidence).toBe(true);
  });

  it('is priced by bems cost --cell from that cell’s function plan', async () => {
    const out: string[] = [];
    const code = await main(['cost', '--cell', 'euw1-a', '--floor', '--json'], {
      out: (text) => out.push(text),
      err: () => undefined,
      env: {},
    });

    const report = JSON.parse(out.join('\n'));
    expect(code).toBe(0);
    expect(report.region).toBe('eu-west-1');
    expect(Object.keys(report.stores)).toEqual(['timestream']);
    const line = report.stores.timestream.lines.find((l: { item: string }) => l.item.includes('bems-euw1-a-ingest'));
    expect(line).toMatchObject({ service: 'lambda', quantity: 5 * 0.5 * 730 * 3600 });
  });
});
