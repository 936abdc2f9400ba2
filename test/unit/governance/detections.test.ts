import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsCells } from '../../../cells/cells.config.ts';
import { type Detection, detectionsFor } from '../../../cells/governance/detections.ts';
import { runInsightsQuery } from '../../../cells/governance/filterPattern/insightsQuery.ts';
import { matchesFilterPattern } from '../../../cells/governance/filterPattern/parseFilterPattern.ts';
import { renderFilterPattern } from '../../../cells/governance/filterPattern/render.ts';
import { detectionQuery } from '../../../cells/governance/TrailDetections.ts';

/**
 * Every CloudTrail detection run against recorded CloudTrail records (test/fixtures/cloudtrail/):
 * the metric filter pattern CloudWatch Logs gets, parsed and executed, and the saved Logs Insights
 * query, executed over the same records — each must find exactly the positive records.
 */
interface Fixture {
  readonly detection: string;
  readonly positive: readonly Record<string, unknown>[];
  readonly negative: readonly Record<string, unknown>[];
}
const FIXTURES = path.join(import.meta.dirname, '../../fixtures/cloudtrail');
const fixtures: Fixture[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')));

const account = '111111111111';
const detections = detectionsFor({
  account,
  partition: 'aws',
  cells: awsCells().filter((c) => c.account === account),
});
const byId = new Map(detections.map((d) => [d.id, d]));

/** `bus-tampering-euw1-a` → `bus-tampering`: detections of one kind share their fixtures' shape. */
const kindOf = (detection: Detection) =>
  detection.id.replace(
    new RegExp(
      `-(${awsCells()
        .map((c) => c.id)
        .join('|')}|[a-z]{2}(-[a-z]+)+-\\d)$`,
    ),
    '',
  );

describe.each(fixtures.map((f) => [f.detection, f] as const))('detection %s', (id, fixture) => {
  const detection = byId.get(id)!;

  it('exists for the account', () => {
    expect(detection, `no detection ${id}`).toBeDefined();
    expect(fixture.positive.length).toBeGreaterThan(0);
    expect(fixture.negative.length).toBeGreaterThan(0);
  });

  it.each(fixture.positive.map((r) => [`${r.eventName} by ${(r.userIdentity as { arn?: string }).arn}`, r] as const))(
    'its metric filter matches %s',
    (_label, record) => {
      expect(matchesFilterPattern(renderFilterPattern(detection.condition), record)).toBe(true);
    },
  );

  it.each(fixture.negative.map((r) => [`${r.eventName} by ${(r.userIdentity as { arn?: string }).arn}`, r] as const))(
    'its metric filter ignores %s',
    (_label, record) => {
      expect(matchesFilterPattern(renderFilterPattern(detection.condition), record)).toBe(false);
    },
  );

  it('its saved query lists exactly the positive records, newest first', () => {
    // Act
    const rows = runInsightsQuery(detectionQuery(detection), [...fixture.negative, ...fixture.positive]);
    // Assess
    const expected = [...fixture.positive]
      .sort((a, b) => String(b.eventTime).localeCompare(String(a.eventTime)))
      .map((r) => ({ eventName: r.eventName, at: r.eventTime, who: (r.userIdentity as { arn?: string }).arn }));
    expect(rows.map((r) => ({ eventName: r.eventName, at: r['@timestamp'], who: r['userIdentity.arn'] }))).toEqual(
      expected,
    );
  });
});

describe('detection catalogue', () => {
  it('has recorded CloudTrail samples for every kind of detection', () => {
    const covered = new Set(fixtures.map((f) => kindOf(byId.get(f.detection)!)));
    expect([...new Set(detections.map(kindOf))].filter((kind) => !covered.has(kind))).toEqual([]);
  });

  it('watches each cell of the account and each Region with a cell key', () => {
    expect(detections.map((d) => d.id)).toEqual(
      expect.arrayContaining([
        'kms-key-disabled-eu-west-1',
        'kms-key-disabled-us-east-1',
        'queue-tampering-use1-a',
        'bus-tampering-use1-a',
        'replay-by-non-operator-use1-a',
      ]),
    );
  });

  it('does not confuse two cells of one account', () => {
    const fixture = fixtures.find((f) => f.detection === 'queue-tampering-euw1-a')!;
    const other = byId.get('queue-tampering-use1-a')!;
    expect(fixture.positive.some((r) => matchesFilterPattern(renderFilterPattern(other.condition), r))).toBe(false);
  });
});
