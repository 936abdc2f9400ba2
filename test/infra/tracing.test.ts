import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCells } from '../../cells/cells.config.ts';
import { GAME_DAY_ENV, RUNTIME_ENV } from '../../schemas/functionEnvironment.ts';
import { type SynthesizedCells, synthCells } from './support/synthCells.ts';
import { logicalIdOf, resourcesOf, statementsOfRole } from './support/templateQueries.ts';

/**
 * Tracing as ADR 0019 decides: OpenTelemetry in the bundle, spans sent to Lambda's own trace
 * endpoint. So every function has active tracing (the endpoint, the sampling decision and the
 * X-Ray write permission come with it), no OpenTelemetry layer or wrapper, and nothing in its
 * environment that would turn tracing off or send spans elsewhere.
 */
const cell = awsCells()[0]!;
let synth: SynthesizedCells;
let template: Template;

beforeAll(() => {
  synth = synthCells([cell]);
  template = synth.templates.get(cell.id)!;
}, 120_000);
afterAll(() => synth?.cleanUp());

function functions() {
  return [...resourcesOf(template, 'AWS::Lambda::Function').values()].map((fn) => ({
    name: String(fn.Properties.FunctionName),
    properties: fn.Properties,
  }));
}

describe('tracing of the cell functions', () => {
  it('turns active tracing on for every function', () => {
    const all = functions();
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const fn of all) expect(fn.properties.TracingConfig, fn.name).toEqual({ Mode: 'Active' });
  });

  it('lets every role write traces (the actions X-Ray has no resource scope for), and nothing more of X-Ray', () => {
    for (const fn of functions()) {
      const xray = statementsOfRole(template, logicalIdOf(fn.properties.Role))
        .filter((s) => JSON.stringify(s.Action).includes('xray:'))
        .flatMap((s) => [s.Action].flat().map((action: string) => ({ action, resource: s.Resource })))
        .filter((s) => s.action.startsWith('xray:'))
        .sort((a, b) => a.action.localeCompare(b.action));
      expect(xray, fn.name).toEqual([
        { action: 'xray:PutTelemetryRecords', resource: '*' },
        { action: 'xray:PutTraceSegments', resource: '*' },
      ]);
    }
  });

  it('adds no OpenTelemetry layer or wrapper: the only layer and wrapper are the game days’ FIS extension', () => {
    for (const fn of functions()) {
      const env: Record<string, unknown> = fn.properties.Environment?.Variables ?? {};
      const wrapper = env[GAME_DAY_ENV.execWrapper];
      if (fn.properties.Layers === undefined) {
        expect(wrapper, fn.name).toBeUndefined();
      } else {
        expect(fn.properties.Layers, fn.name).toHaveLength(1);
        expect(JSON.stringify(fn.properties.Layers), fn.name).toMatch(/FisExtension|fis/i);
        expect(wrapper, fn.name).toBe('/opt/aws-fis/bootstrap');
      }
    }
  });

  it('leaves tracing to Lambda: no variable turns it off or moves the trace endpoint', () => {
    for (const fn of functions()) {
      const names = Object.keys(fn.properties.Environment?.Variables ?? {});
      expect(names, fn.name).not.toContain(RUNTIME_ENV.traceEnabled);
      expect(names, fn.name).not.toContain(RUNTIME_ENV.traceEndpoint);
      expect(
        names.filter((n) => n.startsWith('OTEL_') || n.startsWith('AWS_XRAY_')),
        fn.name,
      ).toEqual([]);
    }
  });
});
