import { describe, expect, it } from 'vitest';
import { mapToRecord } from '../../../handlers/consume/mapToRecord.ts';
import { main } from '../../../ops/cli.ts';
import { parseStores } from '../../../ops/commands/cost.ts';
import {
  analyticsJsonLine,
  CostModelError,
  DEFAULT_COST_ASSUMPTIONS,
  DEFAULT_LAKEHOUSE_ASSUMPTIONS,
  estimateMonthlyCost,
  LAKEHOUSE_PRICE_TABLE,
  PRICED_REGIONS,
  type PriceEntry,
  referenceAnalyticsRecordBytes,
  referenceSinkItems,
  STORE_SERVICES,
  tieredCost,
} from '../../../ops/cost/index.ts';
import { InvoiceEventDetailSchema, SCHEMA_VERSION } from '../../../schemas/envelope.ts';
import { buildInvoiceEvent } from '../../helpers/invoiceEvents.ts';

const EVENTS_PER_DAY = 86_000_000;
const GB = 1024 ** 3;
const MB = 1024 ** 2;
const eventsPerMonth = EVENTS_PER_DAY * DEFAULT_COST_ASSUMPTIONS.daysPerMonth;
const prices = LAKEHOUSE_PRICE_TABLE.regions['us-east-1'];
const lakehouse = (overrides: Parameters<typeof estimateMonthlyCost>[0] | object = {}) =>
  estimateMonthlyCost({ eventsPerDay: EVENTS_PER_DAY, region: 'us-east-1', store: 'lakehouse', ...overrides });

/** A Region's lakehouse prices as name → entry (the interface has no index signature). */
const entriesOf = (region: (typeof PRICED_REGIONS)[number]): Record<string, PriceEntry> =>
  ({ ...LAKEHOUSE_PRICE_TABLE.regions[region] }) as Record<string, PriceEntry>;

function line(estimate: ReturnType<typeof estimateMonthlyCost>, service: string, itemStart: string) {
  const found = estimate.lines.find((l) => l.service === service && l.item.startsWith(itemStart));
  if (!found) throw new Error(`no line ${service}/${itemStart}`);
  return found;
}

describe('lakehouse price table', () => {
  it('is dated, labelled as an estimate, and prices every Region the pipeline table prices', () => {
    expect(LAKEHOUSE_PRICE_TABLE.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(LAKEHOUSE_PRICE_TABLE.label).toMatch(/estimate/i);
    expect(Object.keys(LAKEHOUSE_PRICE_TABLE.regions).sort()).toEqual([...PRICED_REGIONS].sort());
  });

  it('has ascending tiers ending open and the same items in every Region', () => {
    const keys = Object.keys(prices).sort();
    for (const region of PRICED_REGIONS) {
      expect(Object.keys(LAKEHOUSE_PRICE_TABLE.regions[region]).sort()).toEqual(keys);
      for (const [name, entry] of Object.entries(entriesOf(region))) {
        const ends = entry.tiers.map((t) => t.upTo);
        expect(ends.at(-1), name).toBeNull();
        const bounded = ends.slice(0, -1) as number[];
        expect(bounded, name).toEqual([...bounded].sort((a, b) => a - b));
        for (const tier of entry.tiers) expect(tier.price, name).toBeGreaterThan(0);
      }
    }
  });

  it('marks what could not be confirmed: the Firehose Iceberg rate everywhere, every Ireland figure', () => {
    expect(prices.firehoseIcebergIngestionPerGb.confidence).toBe('low');
    for (const entry of Object.values(entriesOf('eu-west-1'))) {
      expect(entry.confidence).toBe('low');
    }
  });
});

describe('analytics record size', () => {
  it('is measured on the JSON line of the consumer’s own record for valid events', () => {
    const items = referenceSinkItems();
    for (const item of items) expect(InvoiceEventDetailSchema.safeParse(item.detail).success).toBe(true);
    const sizes = items.map((item) => Buffer.byteLength(analyticsJsonLine(mapToRecord(item))));
    expect(referenceAnalyticsRecordBytes()).toBe(Math.max(...sizes));
    expect(DEFAULT_LAKEHOUSE_ASSUMPTIONS.recordBytes).toBe(referenceAnalyticsRecordBytes());
  });

  it('is a flat JSON object (Firehose maps only the first level) with microsecond times, one line', () => {
    const item = referenceSinkItems()[0]!;
    const text = analyticsJsonLine(mapToRecord(item));
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd()).not.toContain('\n');
    const row = JSON.parse(text);
    for (const value of Object.values(row)) expect(typeof value).not.toBe('object');
    expect(row.time).toBe(Date.parse(item.detail.occurredAt) * 1000);
    expect(row).toMatchObject({ event_id: item.detail.eventId, consumer: item.consumer, version: 1 });
  });

  it('is no smaller than the record of a typical event', () => {
    const detail = {
      ...buildInvoiceEvent('authorization'),
      server: {
        cell: 'euw1-a',
        region: 'eu-west-1',
        receivedAt: new Date().toISOString(),
        schemaVersion: SCHEMA_VERSION,
      },
    } as never;
    const record = mapToRecord({ detail, consumer: 'recorder', replayed: false, processedAt: Date.now() });
    expect(Buffer.byteLength(analyticsJsonLine(record))).toBeLessThanOrEqual(DEFAULT_LAKEHOUSE_ASSUMPTIONS.recordBytes);
  });
});

describe('estimateMonthlyCost for a lakehouse cell', () => {
  const estimate = lakehouse();
  const timestream = estimateMonthlyCost({ eventsPerDay: EVENTS_PER_DAY, region: 'us-east-1' });
  const l = DEFAULT_LAKEHOUSE_ASSUMPTIONS;

  it('prices Firehose, S3 Tables and Athena instead of Timestream, and the same pipeline', () => {
    expect(estimate.services).toEqual(STORE_SERVICES.lakehouse);
    expect(estimate.lines.some((x) => x.service === 'timestream')).toBe(false);
    expect(estimate.byService.timestream).toBe(0);
    for (const service of ['firehose', 's3Tables', 'athena'] as const) {
      expect(estimate.byService[service], service).toBeGreaterThan(0);
      expect(timestream.byService[service], service).toBe(0);
    }
    const shared = (e: typeof estimate) =>
      e.lines.filter((x) => !['timestream', 'firehose', 's3Tables', 'athena'].includes(x.service));
    expect(shared(estimate)).toEqual(shared(timestream));
  });

  it('bills Firehose per GB ingested for Iceberg, and per 5 KB record on the Direct PUT reading', () => {
    const ingestGb = (eventsPerMonth * l.recordBytes) / GB;
    expect(line(estimate, 'firehose', 'Direct PUT into Iceberg').quantity).toBeCloseTo(ingestGb, 6);
    expect(estimate.byService.firehose).toBeCloseTo(ingestGb * 0.075, 6);
    const rounded = lakehouse({ lakehouseAssumptions: { firehoseBilling: 'direct-put-5kb' } });
    const billedGb = (eventsPerMonth * 5 * 1024) / GB;
    expect(line(rounded, 'firehose', 'Direct PUT,').quantity).toBeCloseTo(billedGb, 6);
    expect(rounded.byService.firehose).toBeCloseTo(tieredCost(prices.firehoseDirectPutIngestionPerGb, billedGb), 6);
  });

  it('stores the month’s records at the Parquet ratio, under graduated S3 Tables storage tiers', () => {
    const storedGb = (eventsPerMonth * l.recordBytes) / l.parquetCompressionRatio / GB;
    expect(line(estimate, 's3Tables', 'storage').quantity).toBeCloseTo(storedGb, 6);
    // 200× the volume crosses the 50 TB tier: every GB past it is billed at the lower price.
    const big = lakehouse({ eventsPerDay: EVENTS_PER_DAY * 200 });
    const bigStorage = line(big, 's3Tables', 'storage');
    expect(bigStorage.quantity).toBeGreaterThan(50 * 1024);
    expect(bigStorage.monthlyUsd).toBeCloseTo(tieredCost(prices.s3TablesStoragePerGbMonth, bigStorage.quantity), 6);
    expect(bigStorage.monthlyUsd).toBeLessThan(bigStorage.quantity * 0.0265);
  });

  it('counts one commit per Firehose flush: data and delete files per partition plus metadata', () => {
    const commits = (DEFAULT_COST_ASSUMPTIONS.daysPerMonth * 86_400) / l.bufferIntervalSeconds;
    const objects = commits * (l.partitionsPerFlush * (1 + l.deleteFilesPerDataFile) + l.metadataObjectsPerCommit);
    expect(line(estimate, 's3Tables', 'PUT requests').quantity).toBeCloseTo(objects / 1000, 6);
    const slower = lakehouse({ lakehouseAssumptions: { bufferIntervalSeconds: 120 } });
    expect(line(slower, 's3Tables', 'PUT requests').quantity).toBeCloseTo(objects / 2000, 6);
  });

  it('prices Athena from refreshes × queries × the bytes of the partitions and columns read', () => {
    const bytes =
      l.daysScannedPerQuery * EVENTS_PER_DAY * (l.recordBytes / l.parquetCompressionRatio) * l.columnShareScanned;
    const perQuery = Math.ceil(bytes / MB) * MB;
    const queries = l.dashboardRefreshesPerDay * l.queriesPerRefresh * DEFAULT_COST_ASSUMPTIONS.daysPerMonth;
    expect(line(estimate, 'athena', 'dashboard queries').quantity).toBeCloseTo((queries * perQuery) / 1024 ** 4, 6);
    expect(estimate.byService.athena).toBeCloseTo(((queries * perQuery) / 1024 ** 4) * 5, 6);
    const half = lakehouse({ lakehouseAssumptions: { dashboardRefreshesPerDay: l.dashboardRefreshesPerDay / 2 } });
    expect(half.byService.athena * 2).toBeCloseTo(estimate.byService.athena, 6);
    expect(lakehouse({ lakehouseAssumptions: { dashboardRefreshesPerDay: 0 } }).byService.athena).toBe(0);
  });

  it('bills at least 10 MB per Athena query', () => {
    const tiny = lakehouse({ eventsPerDay: 1_000 });
    const queries = l.dashboardRefreshesPerDay * l.queriesPerRefresh * DEFAULT_COST_ASSUMPTIONS.daysPerMonth;
    expect(line(tiny, 'athena', 'dashboard queries').quantity).toBeCloseTo((queries * 10 * MB) / 1024 ** 4, 9);
  });

  it('adds up to the per-million figure, and costs less than the Timestream cell at 86 million a day', () => {
    const sum = Object.values(estimate.byService).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(estimate.monthlyUsd, 6);
    expect(estimate.perMillionEventsUsd).toBeCloseTo((estimate.monthlyUsd / eventsPerMonth) * 1e6, 9);
    expect(estimate.perMillionEventsUsd).toBeLessThan(timestream.perMillionEventsUsd);
    expect(estimate.storePriceTable?.asOf).toBe(LAKEHOUSE_PRICE_TABLE.asOf);
    expect(estimate.lakehouseAssumptions).toEqual(DEFAULT_LAKEHOUSE_ASSUMPTIONS);
  });

  it('rejects an unknown store', () => {
    expect(() => estimateMonthlyCost({ eventsPerDay: 1, store: 'influx' as never })).toThrow(CostModelError);
  });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('bems cost --store', () => {
  it('shows both stores side by side by default', async () => {
    const { code, out } = await run('cost', '--floor');
    expect(code).toBe(0);
    expect(out).toMatch(/timestream USD \/ month .* lakehouse USD \/ month/);
    expect(out).toMatch(/Total: \$[\d,.]+ per month, \$[\d.]+ per million events \(timestream\)\./);
    expect(out).toMatch(/Total: \$[\d,.]+ per month, \$[\d.]+ per million events \(lakehouse\)\./);
    expect(out).toContain('athena');
  });

  it('prints both stores in one stable JSON shape, matching the model', async () => {
    const { out } = await run('cost', '--json', '--floor', '--region', 'us-east-1');
    const printed = JSON.parse(out);
    expect(Object.keys(printed)).toEqual([
      'region',
      'eventsPerDay',
      'requestSource',
      'requestSourceDescription',
      'stores',
      'lines',
    ]);
    expect(Object.keys(printed.stores)).toEqual(['timestream', 'lakehouse']);
    expect(printed.stores.lakehouse.perMillionEventsUsd).toBeCloseTo(lakehouse().perMillionEventsUsd, 9);
    expect(printed.stores.lakehouse.byService.athena).toBeCloseTo(lakehouse().byService.athena, 9);
  });

  it('prices one store when asked, and takes the dashboard refresh rate', async () => {
    const only = JSON.parse((await run('cost', '--json', '--floor', '--store', 'lakehouse')).out);
    expect(Object.keys(only.stores)).toEqual(['lakehouse']);
    const hourly = JSON.parse(
      (await run('cost', '--json', '--floor', '--store', 'lakehouse', '--refreshes-per-day', '10')).out,
    );
    expect(hourly.stores.lakehouse.byService.athena * 4).toBeCloseTo(only.stores.lakehouse.byService.athena, 6);
    const text = (await run('cost', '--floor', '--store', 'timestream')).out;
    expect(text).not.toContain('lakehouse');
  });

  it('exits 2 with a hint on an unknown store or a bad refresh rate', async () => {
    const bad = await run('cost', '--store', 'influxdb');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown store "influxdb"');
    expect(bad.err).toContain('(bems help cost shows its options)');
    expect((await run('cost', '--refreshes-per-day', 'often')).code).toBe(2);
    expect(parseStores(undefined)).toEqual(['timestream', 'lakehouse']);
    expect(parseStores('both')).toEqual(['timestream', 'lakehouse']);
  });
});
