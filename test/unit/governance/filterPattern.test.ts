import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  all,
  any,
  eq,
  isNull,
  ne,
  notExists,
  num,
  oneOf,
  present,
} from '../../../cells/governance/filterPattern/condition.ts';
import { evaluateCondition } from '../../../cells/governance/filterPattern/evaluateCondition.ts';
import {
  FilterPatternError,
  matchesFilterPattern,
  parseFilterPattern,
} from '../../../cells/governance/filterPattern/parseFilterPattern.ts';
import { MAX_FILTER_PATTERN_LENGTH, renderFilterPattern } from '../../../cells/governance/filterPattern/render.ts';

/**
 * The filter-pattern evaluator the detection tests rely on, specified case by case as AWS
 * documents the JSON filter-pattern syntax (behaviour kept as data: test/fixtures/filter-patterns).
 */
interface Case {
  readonly name: string;
  readonly pattern: string;
  readonly matches: readonly unknown[];
  readonly misses: readonly unknown[];
}
const table = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../../fixtures/filter-patterns/cases.json'), 'utf8'),
) as { cases: Case[]; invalid: { pattern: string; because: string }[] };

describe('JSON filter patterns', () => {
  describe.each(table.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    it.each(testCase.matches.map((e) => [JSON.stringify(e), e] as const))('matches %s', (_label, event) => {
      expect(matchesFilterPattern(testCase.pattern, event)).toBe(true);
    });
    it.each(testCase.misses.map((e) => [JSON.stringify(e), e] as const))('does not match %s', (_label, event) => {
      expect(matchesFilterPattern(testCase.pattern, event)).toBe(false);
    });
  });

  it.each(table.invalid.map((c) => [c.because, c.pattern] as const))(
    'refuses a pattern where %s',
    (_because, pattern) => {
      expect(() => parseFilterPattern(pattern)).toThrow(FilterPatternError);
    },
  );
});

describe('rendering a condition as a filter pattern', () => {
  const condition = all(
    eq('$.eventSource', 'sqs.amazonaws.com'),
    any(oneOf('$.eventName', ['PurgeQueue', 'DeleteQueue']), present('$.requestParameters.attributes.RedrivePolicy')),
    notExists('$.userIdentity.invokedBy'),
    ne('$.userIdentity.arn', 'arn:aws:sts::1:assumed-role/"quoted"/*'),
    num('$.count', '>=', 2),
    isNull('$.errorCode'),
  );
  const events = [
    {
      eventSource: 'sqs.amazonaws.com',
      eventName: 'PurgeQueue',
      userIdentity: { arn: 'arn:aws:iam::1:user/a' },
      count: 2,
      errorCode: null,
    },
    { eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', userIdentity: {}, count: 2, errorCode: null },
    {
      eventSource: 'sqs.amazonaws.com',
      eventName: 'SetQueueAttributes',
      requestParameters: { attributes: { RedrivePolicy: '{}' } },
      userIdentity: { arn: 'arn:aws:sts::1:assumed-role/"quoted"/x' },
      count: 3,
      errorCode: null,
    },
    {
      eventSource: 'sqs.amazonaws.com',
      eventName: 'DeleteQueue',
      userIdentity: { arn: 'x' },
      count: 1,
      errorCode: null,
    },
  ];

  it('parses back to a pattern with the same verdict on every event', () => {
    // Prepare
    const pattern = renderFilterPattern(condition);
    // Act
    const parsed = events.map((e) => matchesFilterPattern(pattern, e));
    const direct = events.map((e) => evaluateCondition(condition, e));
    // Assess
    expect(parsed).toEqual(direct);
    expect(direct).toEqual([true, false, false, false]);
  });

  it('refuses a pattern CloudWatch Logs would refuse for its length', () => {
    const long = oneOf(
      '$.eventName',
      Array.from({ length: 60 }, (_, i) => `SomeRatherLongEventName${i}`),
    );
    expect(() => renderFilterPattern(long)).toThrow(`CloudWatch Logs allows ${MAX_FILTER_PATTERN_LENGTH}`);
  });

  it('refuses a selector that is not one', () => {
    expect(() => eq('eventName', 'x')).toThrow('not a filter-pattern selector');
  });
});
