import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileEventPattern, validateEventPattern } from '../../../../local/eventbridge/index.ts';
import { compileSubRules } from '../../../../local/eventbridge/pattern/compileRule.ts';
import { wildcardComplexity, wildcardTokens } from '../../../../local/eventbridge/pattern/wildcard.ts';

/** The differential test: event-ruler's own cases (fixtures/event-ruler/README.md) through the emulator's matcher. */
const dir = join(import.meta.dirname, 'fixtures', 'event-ruler');
const read = <T>(name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;

interface RuleEvent {
  name: string;
  rule: unknown;
  event: unknown;
}
interface PortedCase {
  name: string;
  from: string;
  rule: unknown;
  events: { event: unknown; match: boolean }[];
}

describe('event-ruler cases', () => {
  const expected = read<Record<string, boolean>>('correctness-expected.json');
  it.each(read<RuleEvent[]>('correctness-cases.json'))('correctness-cases: $name', ({ name, rule, event }) => {
    expect(name in expected).toBe(true);
    expect(compileEventPattern(rule)(event)).toBe(expected[name]);
  });

  it('GenericMachineTest#nestedArraysTest: arrays of objects are matched element by element', () => {
    const rules = [1, 2, 3].map((i) => compileEventPattern(read(`arrayRule${i}.json`)));
    const matching = [1, 2, 3, 4].map((i) => {
      const event = read(`arrayEvent${i}.json`);
      return rules.flatMap((matches, r) => (matches(event) ? [`rule${r + 1}`] : []));
    });
    expect(matching).toEqual([['rule1', 'rule2'], [], [], ['rule3']]);
  });

  it('JsonRuleCompilerTest: $or rules compile to the same number of sub-rules', () => {
    const counts = read<unknown[]>('orRelationshipRules.json').map((rule) => {
      const problems: string[] = [];
      const subRules = compileSubRules(rule, { add: (p) => problems.push(p) });
      expect(problems).toEqual([]);
      return subRules.length;
    });
    expect(counts).toEqual([2, 4, 3, 4, 2]);
  });

  it.each(read<unknown[]>('wrongOrRelationshipRules.json'))('wrongOrRelationshipRules: refuses %j', (rule) => {
    expect(validateEventPattern(rule)).not.toEqual([]);
  });

  it.each(read<PortedCase[]>('ported-cases.json'))('$name ($from)', ({ rule, events }) => {
    const matches = compileEventPattern(rule);
    expect(events.map(({ event }) => matches(event))).toEqual(events.map(({ match }) => match));
  });

  it.each(read<{ rule: unknown; reason: string; from: string }[]>('refused-rules.json'))(
    'refuses $rule ($from)',
    ({ rule, reason }) => {
      expect(validateEventPattern(rule).join('\n')).toContain(reason);
    },
  );

  it.each(read<{ patterns: string[]; complexity: number }[]>('complexity-cases.json'))(
    'MachineComplexityEvaluatorTest: $patterns has complexity $complexity',
    ({ patterns, complexity }) => {
      expect(wildcardComplexity(patterns.map(wildcardTokens), 100)).toBe(complexity);
    },
  );
});
