import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CELLS } from '../../cells/cells.config.ts';
import { parseCellDefinitions } from '../../cells/definition.ts';
import { STAGES } from '../../schemas/stages.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { joinedJson, resourcesOf } from './support/templateQueries.ts';

/**
 * END_TO_END_VISIBILITY on the cell's CloudWatch side: p50 and p99 of `EndToEndLatency` per stage and
 * consumer on the operations dashboard, and a p99 alarm per stage and consumer whose threshold is the
 * cell definition's `visibilityTargetSeconds` (here changed from the 120 s default to 90 s).
 */
const [cell] = parseCellDefinitions([{ ...structuredClone(AWS_CELLS[0]!), visibilityTargetSeconds: 90 }]);
const consumerSeries = STAGES.flatMap((stage) => cell!.stages[stage].consumers.map((c) => `${stage}/${c.name}`));

interface Widget {
  readonly properties: { title: string; metrics: unknown[][]; annotations: { horizontal: unknown[] } };
}
interface LineOptions {
  readonly label: string;
  readonly stat: string;
}

let synth: SynthesizedCells;
beforeAll(() => {
  synth = synthCells([cell!]);
});
afterAll(() => synth?.cleanUp());

describe('end-to-end visibility on the cell dashboard and alarms', () => {
  it('alarms on p99 per stage and consumer at the configured visibility target', () => {
    const template = synth.templates.get(cell!.id)!;
    const alarms = [...resourcesOf(template, 'AWS::CloudWatch::Alarm').values()].filter((a) =>
      /-e2e-p99$/.test(a.Properties.AlarmName),
    );

    expect(alarms.map((a) => a.Properties.AlarmName)).toEqual(
      consumerSeries.map((s) => `bems-${cell!.id}-${s.replace('/', '-')}-e2e-p99`),
    );
    for (const alarm of alarms) {
      expect(alarm.Properties.Threshold).toBe(90_000);
      expect(alarm.Properties.Metrics[0].MetricStat).toMatchObject({ Stat: 'p99', Period: 60 });
    }
  });

  it('graphs p50 and p99 per stage and consumer against the target', () => {
    const template = synth.templates.get(cell!.id)!;
    const [dashboard] = resourcesOf(template, 'AWS::CloudWatch::Dashboard').values();
    const widgets = (joinedJson(dashboard!.Properties.DashboardBody).widgets as Widget[]).filter((w) =>
      /^End-to-end visibility/.test(w.properties.title),
    );

    expect(widgets.map((w) => w.properties.title.replace(/.*, /, ''))).toEqual(['p50', 'p99']);
    for (const widget of widgets) {
      const percentile = widget.properties.title.replace(/.*, /, '');
      const lines = widget.properties.metrics.map((line) => line.at(-1) as LineOptions);
      expect(lines.map((o) => o.label)).toEqual(consumerSeries.map((s) => `${s} ${percentile}`));
      expect(lines.every((o) => o.stat === percentile)).toBe(true);
      expect(widget.properties.annotations.horizontal).toEqual([
        expect.objectContaining({ value: 90_000, label: 'visibility target' }),
      ]);
    }
  });
});
