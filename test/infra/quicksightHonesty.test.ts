import { beforeAll, describe, expect, it } from 'vitest';
import { slaSecondsOf } from '../../cells/constructs/QuickSightDashboards.ts';
import { parseCellDefinition } from '../../cells/definition.ts';
import { cellTopology } from '../../cells/topology.ts';
import { stageSlaText } from '../../dashboards/kpiDefinitions.ts';
import { DATE_FORMATS } from '../../dashboards/quicksight/fields.ts';
import { VIEW_IDS } from '../../dashboards/views.ts';
import { quickSightTemplate } from './support/quickSightStack.ts';
import { VARIANT_CELL } from './support/synthCells.ts';
import { type CfnResource, resourcesOf } from './support/templateQueries.ts';

/**
 * The QuickSight definition does not mislead either (issue 19): the currency filter covers every
 * visual of every sheet and every dataset has the column it filters, every date is ISO 8601 in UTC,
 * each SLA KPI names its SLA and defines it, and every visual (tables included) exports to CSV.
 */
const GROUP = 'arn:aws:quicksight:eu-central-1:222222222222:group/default/ops-analysts';
type Json = Record<string, unknown>;

let definition: Json & { Sheets: Json[]; FilterGroups: Json[]; Options: Json };
let dashboard: CfnResource;
let dataSets: CfnResource[];
let stageSla: string;

beforeAll(() => {
  const cell = parseCellDefinition({ ...VARIANT_CELL, quicksightPrincipalArn: GROUP });
  stageSla = stageSlaText(slaSecondsOf(cellTopology(cell)));
  const t = quickSightTemplate(cell, GROUP, 'bems-test');
  dashboard = [...resourcesOf(t, 'AWS::QuickSight::Dashboard').values()][0]!;
  definition = dashboard.Properties.Definition;
  dataSets = [...resourcesOf(t, 'AWS::QuickSight::DataSet').values()];
});

/** Every object under `node` (depth first) that has `key`, with the value at that key. */
function collect(node: unknown, key: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) for (const item of node) collect(item, key, found);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) found.push(v);
      collect(v, key, found);
    }
  }
  return found;
}

/** Dataset identifier → its DATETIME columns. */
function dateColumns(): Map<string, Set<string>> {
  const byId = new Map<string, Set<string>>();
  for (const declaration of collect(definition, 'DataSetIdentifierDeclarations')[0] as Json[]) {
    const arn = JSON.stringify(declaration.DataSetArn);
    const dataSet = dataSets.find((d) =>
      arn.includes(`DataSet${String(d.Properties.DataSetId).replace('bems-test-', '').replaceAll('-', '')}`),
    );
    const columns = (Object.values(dataSet!.Properties.PhysicalTableMap)[0] as { CustomSql: { Columns: Json[] } })
      .CustomSql.Columns;
    byId.set(
      String(declaration.Identifier),
      new Set(columns.filter((c) => c.Type === 'DATETIME').map((c) => String(c.Name))),
    );
  }
  return byId;
}

describe('QuickSight definition that does not mislead', () => {
  it('filters every visual of every sheet by currency, over every dataset', () => {
    const group = definition.FilterGroups.find((g) => g.FilterGroupId === 'currency')!;
    expect(group).toMatchObject({ CrossDataset: 'ALL_DATASETS', Status: 'ENABLED' });
    const scopes = (group.ScopeConfiguration as { SelectedSheets: { SheetVisualScopingConfigurations: Json[] } })
      .SelectedSheets.SheetVisualScopingConfigurations;
    expect(scopes).toEqual(VIEW_IDS.map((id) => ({ SheetId: id, Scope: 'ALL_VISUALS' })));
    const filter = (group.Filters as Json[])[0]!.CategoryFilter as Json;
    expect(filter.Column).toEqual({ DataSetIdentifier: 'events', ColumnName: 'currency' });
    // ALL_DATASETS applies to the datasets that have the column: all of them must.
    for (const dataSet of dataSets) {
      const columns = (Object.values(dataSet.Properties.PhysicalTableMap)[0] as { CustomSql: { Columns: Json[] } })
        .CustomSql.Columns;
      expect(
        columns.map((c) => c.Name),
        dataSet.Properties.DataSetId,
      ).toContain('currency');
    }
    for (const sheet of definition.Sheets) {
      expect(sheet.FilterControls).toEqual([
        expect.objectContaining({
          Dropdown: expect.objectContaining({ SourceFilterId: filter.FilterId, Title: 'Currency' }),
        }),
      ]);
    }
  });

  it('writes every date in ISO 8601, in UTC', () => {
    expect(definition.Options).toEqual({ Timezone: 'UTC', WeekStart: 'MONDAY' });
    const iso = new Set<string>(Object.values(DATE_FORMATS));
    const dateDimensions = collect(definition, 'DateDimensionField') as Json[];
    expect(dateDimensions.length).toBeGreaterThan(10);
    for (const field of dateDimensions) {
      expect(
        iso.has(String((field.FormatConfiguration as Json | undefined)?.DateTimeFormat)),
        String(field.FieldId),
      ).toBe(true);
    }
    // Raw table columns of a DATETIME dataset column carry an ISO format too.
    const dates = dateColumns();
    const unaggregated = (collect(definition, 'TableUnaggregatedFieldWells') as Json[]).flatMap(
      (w) => w.Values as Json[],
    );
    const dateFields = unaggregated.filter((f) => {
      const col = f.Column as { DataSetIdentifier: string; ColumnName: string };
      return dates.get(col.DataSetIdentifier)?.has(col.ColumnName);
    });
    expect(dateFields.length).toBeGreaterThanOrEqual(3);
    for (const field of dateFields) {
      expect(field.FormatConfiguration, String(field.FieldId)).toEqual({
        DateTimeFormatConfiguration: { DateTimeFormat: DATE_FORMATS.second },
      });
    }
  });

  it('names the SLA of each SLA figure and defines it', () => {
    const operations = definition.Sheets[VIEW_IDS.indexOf('operations')]!;
    const kpis = (operations.Visuals as Json[]).flatMap((v) => (v.KPIVisual ? [v.KPIVisual as Json] : []));
    const text = (id: string, part: 'Title' | 'Subtitle') => {
      const kpi = kpis.find((k) => k.VisualId === `operations-kpi-${id}`)!;
      return ((kpi[part] as Json).FormatText as Json).PlainText as string;
    };
    expect(text('withinSla', 'Title')).toBe('Recorded within 2 min · Visibility SLA · 2 min');
    expect(text('withinSla', 'Subtitle')).toMatch(/^Visibility SLA: share of the range's events recorded within 2 min/);
    // The variant cell's own stage SLAs (they differ by stage), not a constant.
    expect(stageSla).toMatch(/by stage$/);
    expect(text('stuck', 'Title')).toBe(`Stuck past stage SLA · Stage SLA · ${stageSla}`);
    expect(text('stuck', 'Subtitle')).toMatch(/^Stage SLA: .* different clock from the 2 min visibility SLA/);
  });

  it('offers CSV export from every visual menu, of the fields shown', () => {
    expect(dashboard.Properties.DashboardPublishOptions).toMatchObject({
      ExportToCSVOption: { AvailabilityStatus: 'ENABLED' },
      VisualMenuOption: { AvailabilityStatus: 'ENABLED' },
      ExportWithHiddenFieldsOption: { AvailabilityStatus: 'DISABLED' },
    });
    const tables = definition.Sheets.flatMap((s) => (s.Visuals as Json[]).filter((v) => v.TableVisual));
    expect(tables.length).toBeGreaterThanOrEqual(4);
  });

  it('keeps latency axes in one unit (ms) and says so', () => {
    const percentiles = (collect(definition, 'NumericalMeasureField') as Json[]).filter((f) =>
      JSON.stringify(f).includes('PercentileAggregation'),
    );
    expect(percentiles.length).toBeGreaterThan(3);
    for (const field of percentiles)
      expect(JSON.stringify(field.FormatConfiguration)).toContain('"NumberScale":"NONE","Suffix":" ms"');
  });
});
