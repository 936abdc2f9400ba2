import { describe, expect, it } from 'vitest';
import { InvoiceEventSchema } from '../../../schemas/invoiceEvent.ts';
import { parseRequestBody } from '../../../schemas/parseRequestBody.ts';
import { STAGES } from '../../../schemas/stages.ts';
import { invalidEventFixtures, validEventFixtures } from '../../helpers/eventFixtures.ts';

const valid = validEventFixtures('v1');
const invalid = invalidEventFixtures('v1');

describe('v1 event fixtures', () => {
  it('include at least one complete event per stage and a batch', () => {
    for (const stage of STAGES) {
      expect(valid.map((fixture) => fixture.name)).toContain(`${stage}.complete`);
    }
    expect(valid.some((fixture) => typeof fixture.body === 'object' && fixture.body && 'events' in fixture.body)).toBe(
      true,
    );
  });

  describe.each(valid.map((fixture) => [fixture.name, fixture] as const))('valid fixture %s', (_name, fixture) => {
    it('is accepted for its stage, and every event it holds is a complete downstream event', () => {
      // Act
      const result = parseRequestBody(fixture.stage, fixture.body);
      // Assess
      if (!result.success) throw new Error(`rejected: ${JSON.stringify(result.issues, null, 2)}`);
      for (const event of result.events) {
        expect(event.stage).toBe(fixture.stage);
        expect(InvoiceEventSchema.safeParse(event).success).toBe(true);
      }
    });

    it('is rejected for every other stage', () => {
      for (const other of STAGES.filter((stage) => stage !== fixture.stage)) {
        expect(parseRequestBody(other, fixture.body).success).toBe(false);
      }
    });
  });

  describe.each(invalid.map((fixture) => [fixture.name, fixture] as const))('invalid fixture %s', (_name, fixture) => {
    it('is rejected with exactly the expected issues', () => {
      // Act
      const result = parseRequestBody(fixture.stage, fixture.body);
      // Assess
      if (result.success) throw new Error('accepted');
      for (const expected of fixture.expectedIssues) {
        const atPath = result.issues.filter((issue) => issue.path === expected.path);
        expect(
          atPath.some((issue) => issue.message.includes(expected.messageIncludes)),
          `expected an issue at "${expected.path}" including "${expected.messageIncludes}", got ${JSON.stringify(result.issues)}`,
        ).toBe(true);
      }
      // Nothing beyond what the fixture lists: an extra issue means a rule fired that should not have.
      const expectedPaths = new Set(fixture.expectedIssues.map((issue) => issue.path));
      expect(result.issues.filter((issue) => !expectedPaths.has(issue.path))).toEqual([]);
    });
  });
});
