import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../ops/cli.ts';
import { DEFAULT_EVENTS_PER_DAY, parseCount } from '../../../ops/commands/cost.ts';
import { ANALYTIC_FLOOR_PER_1000, estimateMonthlyCost, PRICED_REGIONS } from '../../../ops/cost/index.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('bems cost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bems-cost-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the 86-million-a-day case by default', async () => {
    const { code, out } = await run('cost', '--floor');
    expect(code).toBe(0);
    expect(out).toContain('86,000,000 events/day');
    expect(out).toMatch(/Total: \$[\d,.]+ per month, \$[\d.]+ per million events/);
    expect(out).toMatch(/ESTIMATE/);
  });

  it('prints the same figures as the cost model as JSON', async () => {
    const { code, out } = await run('cost', '--events-per-day', '2M', '--region', 'us-east-1', '--json', '--floor');
    expect(code).toBe(0);
    const printed = JSON.parse(out);
    const expected = estimateMonthlyCost({
      eventsPerDay: 2_000_000,
      region: 'us-east-1',
      requestsPer1000: ANALYTIC_FLOOR_PER_1000,
    });
    expect(printed.stores.timestream.monthlyUsd).toBeCloseTo(expected.monthlyUsd, 9);
    expect(printed.stores.timestream.byService.sqs).toBeCloseTo(expected.byService.sqs, 9);
    expect(printed.requestSource).toBe('floor');
  });

  it('uses the request counts of a benchmark results file', async () => {
    const path = join(dir, 'latest.json');
    const measured = { ...ANALYTIC_FLOOR_PER_1000, sqs: 5000 };
    writeFileSync(
      path,
      JSON.stringify({ measuredAt: 'now', commit: 'c0ffee1', pipeline: { requestsPer1000: measured } }),
    );
    const { out } = await run('cost', '--json', '--results', path);
    const printed = JSON.parse(out);
    expect(printed.requestSource).toBe('measured');
    expect(printed.stores.timestream.byService.sqs).toBeCloseTo(
      estimateMonthlyCost({ eventsPerDay: DEFAULT_EVENTS_PER_DAY, requestsPer1000: measured }).byService.sqs,
      9,
    );
  });

  it('exits 2 with one line and a hint on an unknown Region or flag', async () => {
    const unpriced = await run('cost', '--region', 'ap-south-2');
    expect(unpriced.code).toBe(2);
    expect(unpriced.err).toBe(
      `bems cost: --region: no prices for "ap-south-2"; priced regions: ${PRICED_REGIONS.join(', ')} (bems help cost shows its options)`,
    );
    const malformed = await run('cost', '--region', 'mars-north-1');
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain('"mars-north-1" is not an AWS Region such as eu-west-1');
    const typo = await run('cost', '--events-per-dya', '1M');
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/^bems cost: unknown option --events-per-dya; did you mean --events-per-day\?/);
  });

  it('reads counts written the way people write them', () => {
    expect(parseCount('86000000')).toBe(86_000_000);
    expect(parseCount('86_000_000')).toBe(86_000_000);
    expect(parseCount('86,000,000')).toBe(86_000_000);
    expect(parseCount('86M')).toBe(86_000_000);
    expect(parseCount('1.2b')).toBe(1_200_000_000);
    expect(() => parseCount('lots')).toThrow(/not a number/);
  });
});

describe('bems', () => {
  it('lists its commands and exits 2 without one', async () => {
    const { code, out } = await run();
    expect(code).toBe(2);
    expect(out).toContain('cost');
  });

  it('rejects an unknown command', async () => {
    const { code, err } = await run('frobnicate');
    expect(code).toBe(2);
    expect(err).toContain('unknown command "frobnicate"');
  });

  it('prints a command’s help', async () => {
    const { code, out } = await run('help', 'cost');
    expect(code).toBe(0);
    expect(out).toContain('--events-per-day');
  });
});
