import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ANALYTIC_FLOOR_PER_1000,
  CostModelError,
  DEFAULT_COST_ASSUMPTIONS,
  estimateMonthlyCost,
  floorRequestsPer1000,
  loadRequestProfile,
  PRICE_TABLE,
  PRICED_REGIONS,
  type PriceEntry,
  requestsPerEvent,
  tieredCost,
} from '../../../ops/cost/index.ts';
import { detailTypeFor, EVENT_SOURCE } from '../../../schemas/envelope.ts';
import { STAGES } from '../../../schemas/stages.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

const EVENTS_PER_DAY = 86_000_000;
const eventsPerMonth = EVENTS_PER_DAY * DEFAULT_COST_ASSUMPTIONS.daysPerMonth;

function line(estimate: ReturnType<typeof estimateMonthlyCost>, service: string, itemStart: string) {
  const found = estimate.lines.find((l) => l.service === service && l.item.startsWith(itemStart));
  if (!found) throw new Error(`no line ${service}/${itemStart}`);
  return found;
}

describe('price table', () => {
  it('is dated, labelled as an estimate and names its sources', () => {
    expect(PRICE_TABLE.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE.label).toMatch(/estimate/i);
    expect(PRICE_TABLE.sources.length).toBeGreaterThan(5);
    for (const source of PRICE_TABLE.sources) expect(source).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });

  it('prices the same items in every Region, with ascending tiers ending open', () => {
    const [first, ...others] = PRICED_REGIONS.map((r) => PRICE_TABLE.regions[r]);
    for (const other of others) expect(Object.keys(other!).sort()).toEqual(Object.keys(first!).sort());
    for (const region of PRICED_REGIONS) {
      for (const [name, entry] of Object.entries<PriceEntry>(PRICE_TABLE.regions[region])) {
        const ends = entry.tiers.map((t) => t.upTo);
        expect(ends.at(-1), name).toBeNull();
        const bounded = ends.slice(0, -1) as number[];
        expect(bounded, name).toEqual([...bounded].sort((a, b) => a - b));
        for (const tier of entry.tiers) expect(tier.price, name).toBeGreaterThan(0);
      }
    }
  });
});

describe('tieredCost', () => {
  const apiGateway = PRICE_TABLE.regions['us-east-1'].apiGatewayRestPerMillion;
  const [t1, t2, t3] = apiGateway.tiers;

  it('bills usage inside the first tier at the first price', () => {
    expect(tieredCost(apiGateway, 100)).toBeCloseTo(100 * t1!.price, 9);
  });

  it('bills each unit at the tier it falls in', () => {
    const quantity = t2!.upTo! + 50;
    const expected = t1!.upTo! * t1!.price + (t2!.upTo! - t1!.upTo!) * t2!.price + 50 * t3!.price;
    expect(tieredCost(apiGateway, quantity)).toBeCloseTo(expected, 6);
  });

  it('costs nothing for no usage', () => {
    expect(tieredCost(apiGateway, 0)).toBe(0);
  });
});

describe('analytic request floor', () => {
  it('is 3.1 AWS requests per event with batches of 10 and 13 without batching', () => {
    expect(requestsPerEvent(floorRequestsPer1000({ batchSize: 10 }))).toBeCloseTo(3.1, 9);
    expect(requestsPerEvent(floorRequestsPer1000({ batchSize: 1 }))).toBeCloseTo(13, 9);
  });

  it('adds a queue, an invocation and a write per batch for each extra consumer', () => {
    const one = floorRequestsPer1000({ consumersPerStage: 1 });
    const two = floorRequestsPer1000({ consumersPerStage: 2 });
    expect(two.lambda - one.lambda).toBe(100);
    expect(two.timestream - one.timestream).toBe(100);
    expect(two.sqs - one.sqs).toBe(1000 + 200);
    expect(two.apiGateway).toBe(one.apiGateway);
  });
});

describe('estimateMonthlyCost', () => {
  const estimate = estimateMonthlyCost({ eventsPerDay: EVENTS_PER_DAY, region: 'us-east-1' });
  const prices = PRICE_TABLE.regions['us-east-1'];

  it('derives API Gateway cost from requests per event and the tiered price', () => {
    const requestsMillions = (eventsPerMonth * ANALYTIC_FLOOR_PER_1000.apiGateway) / 1000 / 1e6;
    expect(line(estimate, 'apiGateway', 'REST').monthlyUsd).toBeCloseTo(
      tieredCost(prices.apiGatewayRestPerMillion, requestsMillions),
      6,
    );
  });

  it('bills EventBridge per event whatever the PutEvents batching', () => {
    const unbatched = estimateMonthlyCost({
      eventsPerDay: EVENTS_PER_DAY,
      region: 'us-east-1',
      requestsPer1000: floorRequestsPer1000({ batchSize: 1 }),
    });
    const expected = (eventsPerMonth / 1e6) * prices.eventBridgeCustomEventsPerMillion.tiers[0]!.price;
    expect(line(estimate, 'eventBridge', 'custom events').monthlyUsd).toBeCloseTo(expected, 6);
    expect(line(unbatched, 'eventBridge', 'custom events').monthlyUsd).toBeCloseTo(expected, 6);
  });

  it('splits SQS requests between standard and FIFO prices', () => {
    const requests = (eventsPerMonth * ANALYTIC_FLOOR_PER_1000.sqs) / 1000 / 1e6;
    const share = DEFAULT_COST_ASSUMPTIONS.sqsFifoShare;
    expect(estimate.byService.sqs).toBeCloseTo(
      requests * (1 - share) * prices.sqsStandardPerMillion.tiers[0]!.price +
        requests * share * prices.sqsFifoPerMillion.tiers[0]!.price,
      6,
    );
  });

  it('makes batching visibly cheaper for request-billed services', () => {
    const unbatched = estimateMonthlyCost({
      eventsPerDay: EVENTS_PER_DAY,
      region: 'us-east-1',
      requestsPer1000: floorRequestsPer1000({ batchSize: 1 }),
    });
    for (const service of ['apiGateway', 'lambda', 'sqs', 'sns'] as const) {
      expect(unbatched.byService[service], service).toBeGreaterThan(estimate.byService[service]);
    }
    expect(unbatched.perMillionEventsUsd).toBeGreaterThan(estimate.perMillionEventsUsd);
  });

  it('adds up: services sum to the total, and the total over events gives the per-million cost', () => {
    const sum = Object.values(estimate.byService).reduce((a, b) => a + b, 0);
    const lineSum = estimate.lines.reduce((a, l) => a + l.monthlyUsd, 0);
    expect(sum).toBeCloseTo(estimate.monthlyUsd, 6);
    expect(lineSum).toBeCloseTo(estimate.monthlyUsd, 6);
    expect(estimate.perMillionEventsUsd).toBeCloseTo((estimate.monthlyUsd / eventsPerMonth) * 1e6, 9);
    expect(estimate.eventsPerMonth).toBeCloseTo(eventsPerMonth, 3);
  });

  it('scales with volume except for the fixed KMS data-key calls', () => {
    const half = estimateMonthlyCost({ eventsPerDay: EVENTS_PER_DAY / 2, region: 'us-east-1' });
    const variable = (e: typeof estimate) => e.monthlyUsd - e.byService.kms;
    expect(variable(half) * 2).toBeCloseTo(variable(estimate), 3);
    expect(half.byService.kms).toBeCloseTo(estimate.byService.kms, 9);
  });

  it('prices the Region asked for', () => {
    const eu = estimateMonthlyCost({ eventsPerDay: EVENTS_PER_DAY, region: 'eu-west-1' });
    const euLogs = PRICE_TABLE.regions['eu-west-1'].cloudWatchLogsIngestionPerGb.tiers[0]!.price;
    const logGb = line(eu, 'cloudWatchLogs', 'Lambda log ingestion').quantity;
    expect(line(eu, 'cloudWatchLogs', 'Lambda log ingestion').monthlyUsd).toBeCloseTo(logGb * euLogs, 9);
    expect(eu.region).toBe('eu-west-1');
  });

  it('rejects an unpriced Region and a negative volume', () => {
    expect(() => estimateMonthlyCost({ eventsPerDay: 1, region: 'ap-south-1' })).toThrow(CostModelError);
    expect(() => estimateMonthlyCost({ eventsPerDay: -1 })).toThrow(/non-negative/);
  });

  it('assumes an event size no smaller than a typical event in its EventBridge envelope', () => {
    const sizes = STAGES.map((stage) => {
      const detail = {
        ...buildInvoiceEvent(stage, { vendor: { name: 'Müller Industrietechnik und Anlagenbau GmbH & Co. KG' } }),
        server: { cell: 'euw1-a', region: 'eu-west-1', receivedAt: new Date().toISOString(), schemaVersion: '1' },
      };
      const envelope = {
        version: '0',
        id: crypto.randomUUID(),
        'detail-type': detailTypeFor(stage),
        source: EVENT_SOURCE,
        account: '111111111111',
        time: new Date().toISOString(),
        region: 'eu-west-1',
        resources: [],
        detail,
      };
      return Buffer.byteLength(JSON.stringify(envelope));
    });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(DEFAULT_COST_ASSUMPTIONS.eventBytes);
  });
});

describe('loadRequestProfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bems-cost-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('falls back to the analytic floor when no benchmark has run', () => {
    const source = loadRequestProfile(join(dir, 'missing.json'));
    expect(source.kind).toBe('floor');
    expect(source.requestsPer1000).toEqual(ANALYTIC_FLOOR_PER_1000);
  });

  it('reads the measured counts of the last benchmark', () => {
    const path = join(dir, 'latest.json');
    const measured = { apiGateway: 100, lambda: 310, eventBridge: 100, sns: 104, sqs: 2450, timestream: 103 };
    writeFileSync(
      path,
      JSON.stringify({
        measuredAt: '2026-11-28T00:00:00Z',
        commit: 'abc1234',
        pipeline: { requestsPer1000: measured },
      }),
    );
    const source = loadRequestProfile(path);
    expect(source.kind).toBe('measured');
    expect(source.requestsPer1000).toMatchObject(measured);
    expect(source.description).toContain('abc1234');
  });

  it('refuses a results file it cannot read rather than guessing', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ measuredAt: 'x', commit: 'y', pipeline: { requestsPer1000: { sqs: -1 } } }));
    expect(() => loadRequestProfile(path)).toThrow(/not a benchmark results file/);
  });
});
