import { describe, expect, it } from 'vitest';
import { minorDigitsCase, timestreamDatasets } from '../../../dashboards/quicksight/timestreamDatasets.ts';
import { invoiceStateCase } from '../../../dashboards/sqlFragments.ts';
import { AGING_BUCKETS, SOURCES } from '../../../dashboards/views.ts';
import { stageOrderCase } from '../../../schemas/readModelSql.ts';

const OPTIONS = {
  databaseName: 'bems-euw1-a',
  tableName: 'invoice_events',
  primaryConsumers: {
    ingestion: 'recorder',
    reconciliation: 'recorder',
    authorization: 'recorder',
    posting: 'recorder',
  },
  slaSecondsByStage: { ingestion: 900, reconciliation: 900, authorization: 900, posting: 600 },
} as const;

describe('QuickSight datasets over Timestream', () => {
  const datasets = timestreamDatasets(OPTIONS);
  const byId = Object.fromEntries(datasets.map((d) => [d.id, d]));

  it('has a dataset for every source of the view definition, plus stuck invoices and event volume', () => {
    expect(
      SOURCES.map(
        (s) => ({ events: 'events', stageEntries: 'stage_entries', invoices: 'invoices', cohort: 'cohort' })[s],
      ),
    ).toEqual(['events', 'stage_entries', 'invoices', 'cohort']);
    expect(datasets.map((d) => d.id)).toEqual([
      'events',
      'stage_entries',
      'invoices',
      'cohort',
      'stuck',
      'event_volume',
    ]);
  });

  it('uses the same state, stage-order and aging rules as the local SQL', () => {
    expect(byId.invoices!.sql).toContain(invoiceStateCase());
    expect(byId.invoices!.sql).toContain(stageOrderCase());
    for (const bucket of AGING_BUCKETS) expect(byId.invoices!.sql).toContain(`'${bucket.id}'`);
    // Each stage's SLA, in the stuck rule shared with the monitor (schemas/stuckRule.ts).
    expect(byId.stuck!.sql).toContain("(stage = 'posting' AND time < ago(600s)");
  });

  it('declares every column its SELECT returns', () => {
    for (const dataset of datasets) {
      for (const column of dataset.columns)
        expect(dataset.sql, `${dataset.id}.${column.name}`).toMatch(new RegExp(`\\b${column.name}\\b`));
    }
  });

  it('knows each currency’s minor units from the same source as the money helpers', () => {
    const sql = minorDigitsCase();
    expect(sql).toContain("WHEN 'JPY' THEN 0");
    expect(sql).toContain("WHEN 'BHD' THEN 3");
    expect(sql).not.toContain("'EUR'");
    expect(sql.endsWith('ELSE 2 END')).toBe(true);
  });
});
