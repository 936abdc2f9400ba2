import { flat, type PriceEntry, type PriceRemark, type PriceTable, tiered } from './prices.ts';

/**
 * Public on-demand prices of the lakehouse store — Amazon Data Firehose into an Apache Iceberg
 * table in an S3 table bucket, read by Athena — per Region, in USD. A table of its own beside
 * prices.ts (the pipeline both cells share), dated separately because it was checked on a different
 * day and from different pages.
 *
 * THIS IS AN ESTIMATE, like prices.ts. Where each figure comes from:
 * - S3 Tables (us-east-1): the S3 pricing page's S3 Tables tables (storage tiers, PUT/GET,
 *   monitoring, compaction at the reduced 2025 rates), as quoted in a copy of that page.
 * - Firehose into Iceberg (us-east-1): AWS's own "Game Analytics Pipeline on AWS" guidance (sample
 *   cost table, August 2025, US East): "When Amazon Data Firehose is configured with Apache Iceberg
 *   Tables as a destination, the pricing will be billed per GB ingested with no 5KB increments";
 *   259.2 million 1 KB records by Direct PUT cost $19.44, i.e. $0.075 per GB. The Firehose pricing
 *   page itself could not be read, hence `confidence: 'low'`.
 * - Firehose Direct PUT to other destinations ($0.029 per GB, each record rounded up to 5 KB): the
 *   pricing page as quoted in several places; kept to price the alternative reading of the bill.
 * - Athena: $5 per TB scanned, rounded up to the MB, 10 MB minimum per query (Athena pricing page
 *   as quoted by AWS-adjacent guides); DDL and failed queries are free.
 * - eu-west-1: not found for any of them; assumed equal to us-east-1 (true of S3 Standard storage
 *   and requests, whose prices these follow) and marked `confidence: 'low'`.
 */
export interface LakehouseRegionPrices {
  /** Firehose, Direct PUT source, Iceberg destination: per GB ingested, no 5 KB rounding. */
  readonly firehoseIcebergIngestionPerGb: PriceEntry;
  /** Firehose, Direct PUT source, other destinations: per GB with each record rounded up to 5 KB. */
  readonly firehoseDirectPutIngestionPerGb: PriceEntry;
  /** S3 Tables storage, tiered by monthly GB (first 50 TB, next 450 TB, over 500 TB). */
  readonly s3TablesStoragePerGbMonth: PriceEntry;
  readonly s3TablesPutPerThousand: PriceEntry;
  readonly s3TablesGetPerThousand: PriceEntry;
  /** Object monitoring, per 1,000 objects stored in table buckets per month. */
  readonly s3TablesMonitoringPerThousandObjects: PriceEntry;
  readonly s3TablesCompactionPerThousandObjects: PriceEntry;
  /** Compaction bytes processed with binpack (the default; sort or z-order costs twice as much). */
  readonly s3TablesCompactionPerGb: PriceEntry;
  readonly athenaPerTbScanned: PriceEntry;
}

const TB_IN_GB = 1024;

/** The us-east-1 figures; `extra` marks them when they stand in for another Region. */
function lakehousePrices(extra: PriceRemark, firehoseIcebergNote: string): LakehouseRegionPrices {
  return {
    firehoseIcebergIngestionPerGb: flat('GB ingested (Iceberg, no 5 KB rounding)', 0.075, {
      confidence: 'low',
      note: firehoseIcebergNote,
    }),
    firehoseDirectPutIngestionPerGb: tiered(
      'GB ingested (5 KB increments)',
      [
        [500 * TB_IN_GB, 0.029],
        [null, 0.025],
      ],
      { confidence: 'low', note: 'only the first tier (500 TB a month) was seen quoted' },
    ),
    s3TablesStoragePerGbMonth: tiered(
      'GB-month',
      [
        [50 * TB_IN_GB, 0.0265],
        [500 * TB_IN_GB, 0.0253],
        [null, 0.0242],
      ],
      extra,
    ),
    s3TablesPutPerThousand: flat('1,000 PUT/POST/LIST requests', 0.005, extra),
    s3TablesGetPerThousand: flat('1,000 GET requests', 0.0004, extra),
    s3TablesMonitoringPerThousandObjects: flat('1,000 objects monitored', 0.025, extra),
    s3TablesCompactionPerThousandObjects: flat('1,000 objects compacted', 0.002, extra),
    s3TablesCompactionPerGb: flat('GB compacted (binpack)', 0.005, extra),
    athenaPerTbScanned: flat('TB scanned', 5.0, extra),
  };
}

export const LAKEHOUSE_PRICE_TABLE = {
  /** The day these figures were looked up (through a search of stored public pages, not the live site). */
  asOf: '2026-12-07',
  currency: 'USD',
  label: 'ESTIMATE from public on-demand list prices as quoted in stored copies of AWS pages',
  sources: [
    'https://aws.amazon.com/firehose/pricing/',
    'https://aws.amazon.com/s3/pricing/ (S3 Tables)',
    'https://aws.amazon.com/athena/pricing/',
    'https://aws-solutions-library-samples.github.io/solutions/guidance/game-analytics-pipeline-on-aws/ (Guidance README, Cost)',
    'https://docs.aws.amazon.com/firehose/latest/dev/apache-iceberg-considerations.html',
  ],
  regions: {
    'us-east-1': lakehousePrices({}, 'derived from an AWS guidance cost table (Aug 2025), not the pricing page'),
    'eu-west-1': lakehousePrices(
      { confidence: 'low', note: 'Ireland not found; assumed equal to N. Virginia' },
      'us-east-1 figure from an AWS guidance cost table (Aug 2025), assumed for Ireland',
    ),
  },
} as const satisfies PriceTable<LakehouseRegionPrices>;
