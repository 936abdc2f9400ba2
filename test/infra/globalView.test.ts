import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CELLS, GLOBAL_VIEW } from '../../cells/cells.config.ts';
import {
  type CellDefinition,
  type CellDefinitionError,
  parseCellDefinitions,
  parseGlobalView,
} from '../../cells/definition.ts';
import { allQueues, cellTopology } from '../../cells/topology.ts';
import { type SynthesizedCells, synthCells, VARIANT_CELL } from './support/synthCells.ts';
import { joinedJson, resourcesOf } from './support/templateQueries.ts';

/**
 * The global operations view (`bems-global`), generated from the cells config: the example cells plus
 * one the test adds (test-b: a new account in eu-central-1). The dashboard gets a row per cell whose
 * every metric is read from that cell's account and Region, each cell gets a composite health alarm in
 * the monitoring account of its Region, and every account/Region pair gets an OAM link to that
 * Region's sink. No edit of the dashboard code brings test-b in.
 */
const cells: CellDefinition[] = parseCellDefinitions([...structuredClone(AWS_CELLS), VARIANT_CELL]);
const view = parseGlobalView(GLOBAL_VIEW, cells);

interface Widget {
  readonly type: string;
  readonly properties: { title?: string; region?: unknown; metrics?: unknown[][]; alarms?: string[] };
}
let synth: SynthesizedCells;
let widgets: Widget[];
const template = (id: string): Template => synth.globalTemplates.get(id)!;

beforeAll(() => {
  synth = synthCells(cells, { global: view });
  const [dashboard] = resourcesOf(template('Bems-global'), 'AWS::CloudWatch::Dashboard').values();
  widgets = joinedJson(dashboard!.Properties.DashboardBody).widgets;
}, 120_000);
afterAll(() => synth?.cleanUp());

/** Options of a metric line: its last element, an object. */
const optionsOf = (line: unknown[]) =>
  line.at(-1) as { accountId?: string; region?: string; expression?: string; stat?: string };

describe('global operations view', () => {
  it('has a row per cell of the config, the added cell included, each naming its account and Region', () => {
    for (const cell of cells) {
      const row = widgets.filter((w) =>
        w.properties.title?.startsWith(`${cell.id} (${cell.account}, ${cell.region}):`),
      );
      expect(
        row.map((w) => w.properties.title!.split(': ')[1]),
        cell.id,
      ).toEqual([
        'health',
        'accepted events/s',
        'API 4xx / 5xx rate',
        'end-to-end p99 per stage (ms)',
        'oldest message (s)',
        'DLQ messages',
        'store write errors',
      ]);
      for (const widget of row.filter((w) => w.type === 'metric')) {
        for (const line of widget.properties.metrics!) {
          expect(optionsOf(line).accountId, widget.properties.title).toBe(cell.account);
          // The widget's own Region is the monitoring Region; a line elsewhere says where it is.
          if (cell.region !== view.region) expect(optionsOf(line).region, widget.properties.title).toBe(cell.region);
        }
      }
    }
  });

  it('graphs the cell’s own resources: every queue, every DLQ, its API, p99 of each stage and consumer', () => {
    const cell = cells.find((c) => c.id === 'test-b')!;
    const lines = (suffix: string) =>
      widgets.find((w) => w.properties.title === `${cell.id} (${cell.account}, ${cell.region}): ${suffix}`)!.properties
        .metrics!;
    const queues = allQueues(cellTopology(cell));

    expect(lines('oldest message (s)').map((l) => l[3])).toEqual(queues.map((q) => q.name));
    expect(lines('DLQ messages').map((l) => l[3])).toEqual(queues.map((q) => q.dlqName));
    expect(lines('API 4xx / 5xx rate').map((l) => [l[1], l[3]])).toEqual([
      ['4XXError', 'bems-test-b-api'],
      ['5XXError', 'bems-test-b-api'],
    ]);
    const e2e = lines('end-to-end p99 per stage (ms)');
    expect(e2e.map((l) => [l[1], optionsOf(l).stat])).toEqual(Array(4).fill(['EndToEndLatency', 'p99']));
  });

  it('shows each cell’s composite health alarm, kept in the monitoring account of the cell’s Region', () => {
    for (const cell of cells) {
      const health = widgets.find(
        (w) => w.properties.title === `${cell.id} (${cell.account}, ${cell.region}): health`,
      )!;
      expect(health.properties.alarms).toEqual([
        `arn:aws:cloudwatch:${cell.region}:${view.account}:alarm:bems-global-${cell.id}-health`,
      ]);
      const stackId = cell.region === view.region ? 'Bems-global' : `Bems-global-${cell.region}`;
      const composites = [...resourcesOf(template(stackId), 'AWS::CloudWatch::CompositeAlarm').values()];
      const composite = composites.find((c) => c.Properties.AlarmName === `bems-global-${cell.id}-health`);
      expect(composite, `${cell.id} in ${stackId}`).toBeDefined();
      const alarms = [...resourcesOf(template(stackId), 'AWS::CloudWatch::Alarm').entries()].filter(([, a]) =>
        a.Properties.AlarmName.startsWith(`bems-global-${cell.id}-`),
      );
      expect(alarms.map(([, a]) => a.Properties.AlarmName.replace(`bems-global-${cell.id}-`, ''))).toEqual(
        expect.arrayContaining(['api-5xx-rate', 'e2e-p99', 'oldest-message-age', 'dlq-depth', 'store-rejections']),
      );
      const rule = JSON.stringify(composite!.Properties.AlarmRule);
      for (const [id, alarm] of alarms) {
        expect(rule, alarm.Properties.AlarmName).toContain(id);
        for (const query of alarm.Properties.Metrics.filter((q: { MetricStat?: unknown }) => q.MetricStat))
          expect(query.AccountId, alarm.Properties.AlarmName).toBe(cell.account);
      }
      const e2e = alarms.find(([, a]) => a.Properties.AlarmName.endsWith('-e2e-p99'))![1];
      expect(e2e.Properties.Threshold).toBe(cell.visibilityTargetSeconds * 1000);
    }
  });

  it('has one OAM sink per Region with cells in other accounts, open to those accounts and to metrics only', () => {
    const sinks = [...synth.globalTemplates].flatMap(([id, t]) =>
      [...resourcesOf(t, 'AWS::Oam::Sink').values()].map((sink) => [id, sink.Properties.Policy.Statement[0]] as const),
    );
    expect(sinks.map(([id, s]) => [id, [...s.Principal.AWS].sort()])).toEqual([
      ['Bems-global', ['111111111111']],
      ['Bems-global-us-east-1', ['111111111111']],
      ['Bems-global-eu-central-1', ['222222222222', '333333333333']],
    ]);
    for (const [, statement] of sinks) {
      expect(statement.Condition).toEqual({
        'ForAllValues:StringEquals': { 'oam:ResourceTypes': ['AWS::CloudWatch::Metric'] },
      });
    }
  });

  it('links every cell account and Region to that Region’s sink, the added cell’s new account too', () => {
    const links = [...synth.globalTemplates].filter(([id]) => id.startsWith('Bems-global-link-'));
    expect(links.map(([id]) => id).sort()).toEqual(
      [
        'Bems-global-link-111111111111-eu-west-1',
        'Bems-global-link-111111111111-us-east-1',
        'Bems-global-link-222222222222-eu-central-1',
        'Bems-global-link-333333333333-eu-central-1',
      ].sort(),
    );
    const [, link] = links.find(([id]) => id.endsWith('222222222222-eu-central-1'))!;
    const [resource] = resourcesOf(link, 'AWS::Oam::Link').values();
    expect(resource!.Properties).toMatchObject({
      ResourceTypes: ['AWS::CloudWatch::Metric'],
      SinkIdentifier: { Ref: 'SinkArn' },
    });
    const pattern = new RegExp(link.toJSON().Parameters.SinkArn.AllowedPattern);
    expect(pattern.test(`arn:aws:oam:eu-central-1:${view.account}:sink/0f1e2d3c-aaaa-bbbb-cccc-000000000000`)).toBe(
      true,
    );
    expect(pattern.test('arn:aws:oam:eu-west-1:999999999999:sink/0f1e2d3c')).toBe(false);
    expect(pattern.test('arn:aws:oam:eu-central-1:123456789012:sink/0f1e2d3c')).toBe(false);
  });

  it('synthesizes cdk-nag clean and cfn-lint without errors but the known Dashboard Tags E3002', () => {
    const findings = synth.report.pluginReports.flatMap((r) => r.violations);
    expect(findings).toEqual([]);
    const files = [...synth.globalTemplates].map(([id, t]) => {
      const file = path.join(synth.assembly.directory, `${id}.lint.json`);
      writeFileSync(file, JSON.stringify(t.toJSON()));
      return file;
    });
    let output = '';
    try {
      output = execFileSync('cfn-lint', ['--format', 'parseable', ...files], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? '');
    }
    // cfn-lint ran: it reports the known false positive on the tagged dashboard.
    expect(output).toMatch(/:E3002:.*Tags/);
    const errors = output
      .split('\n')
      .filter((line) => /:E\d{4}:/.test(line))
      .filter((line) => !(line.includes(':E3002:') && line.includes('Tags')));
    expect(errors).toEqual([]);
  }, 120_000);
});

describe('global view definition', () => {
  it('reports every problem with its field path', () => {
    const problems = (() => {
      try {
        parseGlobalView(
          {
            account: '999999999999',
            region: 'eu-west-1',
            sinkArns: {
              'ap-south-1': 'arn:aws:oam:ap-south-1:999999999999:sink/abc',
              'us-east-1': 'arn:aws:oam:us-east-1:123456789012:sink/abc',
            },
          },
          cells,
        );
      } catch (error) {
        return (error as CellDefinitionError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      'global.sinkArns.ap-south-1: no cell runs in ap-south-1',
      'global.sinkArns.us-east-1: the sink ARN is in account 123456789012, not the monitoring account',
    ]);
    expect(() => parseGlobalView({ account: '99', region: 'nowhere' }, cells)).toThrow(
      /global\.account: must be a 12-digit AWS account id[\s\S]*global\.region: must be an AWS Region/,
    );
  });
});
