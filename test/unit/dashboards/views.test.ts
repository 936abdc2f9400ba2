import { describe, expect, it } from 'vitest';
import { VIEWS, viewDefinitionProblems } from '../../../dashboards/viewDefinitions/index.ts';
import { comparisonLabel, comparisonShiftMs, DAY_MS, defaultBucket, VIEW_IDS } from '../../../dashboards/views.ts';

describe('dashboard view definition', () => {
  it('has no problems: money grouped by currency, time on the x axis, unique panel ids', () => {
    expect(viewDefinitionProblems()).toEqual([]);
  });

  it('catches a value panel without currency and a time axis in second place', () => {
    const broken = {
      executive: {
        ...VIEWS.executive,
        panels: [
          {
            kind: 'chart' as const,
            id: 'x',
            title: 'x',
            description: 'x',
            width: 6 as const,
            chart: 'line' as const,
            source: 'events' as const,
            measure: 'value' as const,
            dimensions: ['stage', 'time'] as const,
          },
        ],
      },
    };
    expect(viewDefinitionProblems(broken)).toEqual([
      'executive.x: a value measure must be grouped by currency (no FX conversion)',
      'executive.x: time must be the x axis',
    ]);
  });

  it('defines the three views the issue asks for', () => {
    expect(VIEW_IDS).toEqual(['executive', 'operations', 'finance']);
    expect(VIEWS.operations.panels.map((p) => p.kind)).toEqual(
      expect.arrayContaining(['latency', 'queues', 'stuck', 'anomalies']),
    );
    expect(VIEWS.finance.panels.map((p) => p.kind)).toEqual(expect.arrayContaining(['cashFlow', 'vendorTable']));
  });

  it('compares a day with yesterday, a week with last week, and longer ranges with the period before', () => {
    expect(comparisonShiftMs(6 * 3_600_000)).toBe(DAY_MS);
    expect(comparisonShiftMs(3 * DAY_MS)).toBe(7 * DAY_MS);
    expect(comparisonShiftMs(30 * DAY_MS)).toBe(30 * DAY_MS);
    expect(comparisonLabel(DAY_MS)).toBe('vs same period yesterday');
    expect(defaultBucket(DAY_MS)).toBe('1h');
  });
});
