import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { type CellDefinition, parseCellDefinition } from '../../cells/definition.ts';
import { DATASET_IDS } from '../../dashboards/quicksight/timestreamDatasets.ts';
import { VIEWS } from '../../dashboards/viewDefinitions/index.ts';
import { VIEW_IDS } from '../../dashboards/views.ts';
import { quickSightTemplate } from './support/quickSightStack.ts';
import { type SynthesizedCells, synthCells, VARIANT_CELL } from './support/synthCells.ts';
import { type CfnResource, logicalIdOf, resourcesOf } from './support/templateQueries.ts';

/**
 * QuickSight as code: a cell that names a QuickSight principal gets a Timestream data source, one
 * dataset per source of the view definition and one dashboard with the three sheets (built from
 * dashboards/views.ts), all shared with that principal; a cell without one gets no QuickSight at all.
 */
const GROUP = 'arn:aws:quicksight:eu-central-1:222222222222:group/default/ops-analysts';
const [WITH, WITHOUT] = awsCells() as [CellDefinition, CellDefinition];
const cells: CellDefinition[] = [WITH, WITHOUT];

let synth: SynthesizedCells;
const template = (cellId: string): Template => synth.templates.get(cellId)!;

beforeAll(() => {
  synth = synthCells(cells);
});
afterAll(() => synth?.cleanUp());

function only(t: Template, type: string): [string, CfnResource] {
  const found = [...resourcesOf(t, type)];
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

function sqlOf(dataSet: CfnResource): string {
  const tables = Object.values(dataSet.Properties.PhysicalTableMap) as { CustomSql: { SqlQuery: string } }[];
  return tables[0]!.CustomSql.SqlQuery;
}

function visualIds(sheet: { Visuals: Record<string, { VisualId: string }>[] }): string[] {
  return sheet.Visuals.map((visual) => Object.values(visual)[0]!.VisualId);
}

describe('QuickSight dashboards of a cell with a principal', () => {
  it('creates a Timestream data source shared read-only with the principal', () => {
    const t = template(WITH.id);
    const [, source] = only(t, 'AWS::QuickSight::DataSource');
    expect(source.Properties).toMatchObject({
      AwsAccountId: WITH.account,
      DataSourceId: `bems-${WITH.id}-timestream`,
      Type: 'TIMESTREAM',
      Permissions: [
        {
          Principal: WITH.quicksightPrincipalArn,
          Actions: [
            'quicksight:DescribeDataSource',
            'quicksight:DescribeDataSourcePermissions',
            'quicksight:PassDataSource',
          ],
        },
      ],
    });
  });

  it('creates one custom-SQL dataset per source over the cell table, counting the first consumer only', () => {
    const t = template(WITH.id);
    const [sourceId] = only(t, 'AWS::QuickSight::DataSource');
    const dataSets = [...resourcesOf(t, 'AWS::QuickSight::DataSet')];
    expect(dataSets.map(([, d]) => d.Properties.DataSetId).sort()).toEqual(
      DATASET_IDS.map((id) => `bems-${WITH.id}-${id.replaceAll('_', '-')}`).sort(),
    );
    for (const [, dataSet] of dataSets) {
      const sql = sqlOf(dataSet);
      const table = Object.values(dataSet.Properties.PhysicalTableMap)[0] as { CustomSql: { DataSourceArn: unknown } };
      expect(logicalIdOf(table.CustomSql.DataSourceArn)).toBe(sourceId);
      expect(sql).toContain(`"bems-${WITH.id}"."invoice_events"`);
      expect(sql).toContain("consumer = 'recorder'");
      expect(sql).toContain("measure_name = 'invoice_event'");
      expect(dataSet.Properties.Permissions[0].Principal).toBe(WITH.quicksightPrincipalArn);
    }
    const modes = Object.fromEntries(dataSets.map(([, d]) => [d.Properties.DataSetId, d.Properties.ImportMode]));
    expect(modes[`bems-${WITH.id}-event-volume`]).toBe('SPICE');
    expect(modes[`bems-${WITH.id}-events`]).toBe('DIRECT_QUERY');
  });

  it('refreshes the SPICE event-volume dataset every hour', () => {
    const t = template(WITH.id);
    t.hasResourceProperties('AWS::QuickSight::RefreshSchedule', {
      DataSetId: `bems-${WITH.id}-event-volume`,
      Schedule: { RefreshType: 'FULL_REFRESH', ScheduleFrequency: { Interval: 'HOURLY' } },
    });
  });

  it('builds one dashboard with the three sheets and a visual per panel of the view definition', () => {
    const t = template(WITH.id);
    const [, dashboard] = only(t, 'AWS::QuickSight::Dashboard');
    const { Definition, Permissions, DashboardId } = dashboard.Properties;
    expect(DashboardId).toBe(`bems-${WITH.id}-dashboards`);
    expect(Permissions).toEqual([
      {
        Principal: WITH.quicksightPrincipalArn,
        Actions: ['quicksight:DescribeDashboard', 'quicksight:ListDashboardVersions', 'quicksight:QueryDashboard'],
      },
    ]);
    expect(Definition.Sheets.map((s: { Name: string }) => s.Name)).toEqual(VIEW_IDS.map((id) => VIEWS[id].title));
    for (const [index, viewId] of VIEW_IDS.entries()) {
      const ids = visualIds(Definition.Sheets[index]);
      for (const panel of VIEWS[viewId].panels) {
        if (panel.kind === 'kpis' || panel.kind === 'queues' || panel.kind === 'visibility') continue;
        expect(ids, `${viewId}.${panel.id}`).toContain(`${viewId}-${panel.id}`);
      }
    }
    // Every dataset the definition names is one of this stack's datasets.
    const dataSetIds = new Set(resourcesOf(t, 'AWS::QuickSight::DataSet').keys());
    for (const declaration of Definition.DataSetIdentifierDeclarations) {
      expect(dataSetIds.has(logicalIdOf(declaration.DataSetArn))).toBe(true);
    }
  });

  it('includes the ML-powered forecast insight on event volume', () => {
    const [, dashboard] = only(template(WITH.id), 'AWS::QuickSight::Dashboard');
    const operations = dashboard.Properties.Definition.Sheets[VIEW_IDS.indexOf('operations')];
    const insight = operations.Visuals.find((v: Record<string, unknown>) => 'InsightVisual' in v)?.InsightVisual;
    expect(insight).toMatchObject({
      DataSetIdentifier: 'event_volume',
      InsightConfiguration: {
        Computations: expect.arrayContaining([
          {
            Forecast: expect.objectContaining({
              PredictionInterval: 90,
              Seasonality: 'AUTOMATIC',
              Time: {
                DateDimensionField: expect.objectContaining({
                  Column: { DataSetIdentifier: 'event_volume', ColumnName: 'interval_start' },
                }),
              },
            }),
          },
        ]),
      },
    });
    // The local dashboard's anomaly rule (robust z-score on active intervals) is a column of the same dataset.
    const volume = [...resourcesOf(template(WITH.id), 'AWS::QuickSight::DataSet')].find(
      ([, d]) => d.Properties.ImportMode === 'SPICE',
    )![1];
    expect(sqlOf(volume)).toMatch(/\(f\.events - m\.median\) \/ s\.spread/);
    expect(sqlOf(volume)).toContain(
      'greatest(approx_percentile(abs(a.events - m.median), 0.5) / 0.6745, sqrt(max(m.median)))',
    );
  });

  it('never adds money across currencies and divides the exact minor-unit sum once', () => {
    const [, dashboard] = only(template(WITH.id), 'AWS::QuickSight::Dashboard');
    const json = JSON.stringify(dashboard.Properties.Definition);
    const moneyExpressions = [...json.matchAll(/"Expression":"([^"]*amount_minor[^"]*)"/g)].map((m) => m[1]!);
    expect(moneyExpressions.length).toBeGreaterThan(5);
    for (const expression of moneyExpressions) expect(expression).toMatch(/\/ 10 \^ max\(\{minor_digits\}\)$/);
    for (const sheet of dashboard.Properties.Definition.Sheets) {
      for (const visual of sheet.Visuals) {
        const text = JSON.stringify(visual);
        if (!text.includes('amount_minor')) continue;
        expect(text, Object.values(visual as object)[0].VisualId).toMatch(/"ColumnName":"currency"/);
      }
    }
  });
});

describe('QuickSight grants', () => {
  it("gives QuickSight's service role Select on this cell's table only", () => {
    const t = template(WITH.id);
    const policies = [...resourcesOf(t, 'AWS::IAM::Policy')].filter(([, p]) =>
      p.Properties.Roles.includes('aws-quicksight-service-role-v0'),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]![1].Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      { Action: 'timestream:DescribeEndpoints', Effect: 'Allow', Resource: '*' },
      {
        Action: expect.arrayContaining(['timestream:Select', 'timestream:DescribeTable']),
        Effect: 'Allow',
        Resource: `arn:aws:timestream:${WITH.region}:${WITH.account}:database/bems-${WITH.id}/table/invoice_events`,
      },
    ]);
    expect(statements[1].Action).toHaveLength(2);
  });
});

describe('QuickSight per-cell settings', () => {
  it("puts the cell's stage SLAs and first consumers into the dataset SQL", () => {
    // Prepare: the construct alone in a small stack, for a cell with a 600 s posting SLA and its own consumer.
    const cell = parseCellDefinition({
      ...VARIANT_CELL,
      quicksightPrincipalArn: GROUP,
      stages: { ...VARIANT_CELL.stages, authorization: { consumers: [{ name: 'approvals' }] } },
    });

    // Act
    const t = quickSightTemplate(cell, GROUP, 'bems-test-b');

    // Assess
    const stuck = [...resourcesOf(t, 'AWS::QuickSight::DataSet')].find(
      ([, d]) => d.Properties.DataSetId === 'bems-test-b-stuck',
    )![1];
    // Each stage's SLA and first consumer, in the stuck rule shared with the monitor (schemas/stuckRule.ts).
    expect(sqlOf(stuck)).toContain("(stage = 'posting' AND time < ago(600s)");
    expect(sqlOf(stuck)).toContain("(stage = 'ingestion' AND time < ago(900s)");
    expect(sqlOf(stuck)).toContain("(stage = 'authorization' AND consumer = 'approvals')");
    expect(JSON.stringify(t.toJSON())).not.toContain('aws-quicksight-service-role');
  });
});

describe('a cell without a QuickSight principal', () => {
  it('has no QuickSight resources and no grant to the QuickSight service role', () => {
    const t = template(WITHOUT.id);
    expect(WITHOUT.quicksightPrincipalArn).toBeUndefined();
    for (const type of [
      'AWS::QuickSight::DataSource',
      'AWS::QuickSight::DataSet',
      'AWS::QuickSight::Dashboard',
      'AWS::QuickSight::RefreshSchedule',
    ]) {
      t.resourceCountIs(type, 0);
    }
    expect(JSON.stringify(t.toJSON())).not.toContain('aws-quicksight-service-role');
    expect(synth.stacks.get(WITHOUT.id)!.quicksight).toBeUndefined();
  });
});
