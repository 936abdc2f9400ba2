import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../../handlers/ingest/parseRequest.ts';
import { isCalendarDate, REAL_CALENDAR_DATE_PATTERN } from '../../../schemas/calendarDate.ts';
import { knownCountryCodes } from '../../../schemas/country.ts';
import type { FieldIssue } from '../../../schemas/errorResponse.ts';
import { NOT_BLANK_TEXT_PATTERN } from '../../../schemas/fields.ts';
import { NON_NEGATIVE_ZERO_AMOUNT_PATTERN } from '../../../schemas/money.ts';
import { CHECKS_BEYOND_JSON_SCHEMA, JSON_SCHEMA_DRAFT_2020_12 } from '../../../schemas/publishedSchemas.ts';
import { STAGES, type Stage } from '../../../schemas/stages.ts';
import { buildApiGatewayEvent } from '../../helpers/apiGatewayEvents.ts';
import { arbEventWithProblems, arbInvalidBody, arbInvoiceEvent, arbValidBody } from '../../helpers/arbitraries.ts';

/**
 * The published JSON Schemas (`schemas/generated/<stage>.schema.json`) must agree with the API:
 * on every generated body, a default Ajv 2020 accepts exactly what the ingest function's
 * validation accepts, except where the only problems are checks JSON Schema cannot express
 * (`CHECKS_BEYOND_JSON_SCHEMA`), which the schema then accepts and the API refuses.
 */
const RUNS = 300;
const INVALID_RUNS = 600;

function committedSchema(stage: Stage): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../schemas/generated/${stage}.schema.json`, import.meta.url), 'utf8'));
}

/** Ajv 2020 with default options, as a client would use it. */
const validators = new Map<Stage, ValidateFunction>(
  STAGES.map((stage) => [stage, new Ajv2020().compile(committedSchema(stage))]),
);

/**
 * How each check beyond JSON Schema shows in the API's answer: the field (batch prefix stripped)
 * and the message. Keyed like CHECKS_BEYOND_JSON_SCHEMA, so a new named check needs a matcher here.
 */
const NAMED_CHECK_ISSUES = {
  amount: { fields: ['amount'], message: /allows at most \d+ decimal place|must be between/ },
  'paymentTerms.dueDate': {
    fields: ['paymentTerms.dueDate'],
    message:
      /must not be before invoiceDate|must be at most \d+ days after invoiceDate|must equal invoiceDate \+ netDays/,
  },
  occurredAt: {
    fields: ['occurredAt'],
    message: /must not be before 1970-01-01T00:00:00Z|minutes in the future|days in the past/,
  },
  'events[].eventId': { fields: ['eventId'], message: /^duplicates events\.\d+\.eventId/ },
  // Not generated (valid text stays within both counts): documented, and matched for completeness.
  'vendor.name, metadata.sourceSystem, metadata.correlationId': {
    fields: ['vendor.name', 'metadata.sourceSystem', 'metadata.correlationId'],
    message: /^$/,
  },
} satisfies Record<keyof typeof CHECKS_BEYOND_JSON_SCHEMA, { fields: string[]; message: RegExp }>;

function isNamedCheck(issue: FieldIssue): boolean {
  const field = issue.path.replace(/^events\.\d+\./, '');
  return Object.values(NAMED_CHECK_ISSUES).some(
    (check) => check.fields.includes(field) && check.message.test(issue.message),
  );
}

/** The ingest function's verdict on a body sent to `POST /invoices/<stage>`. */
function apiVerdict(stage: Stage, body: unknown): { accepted: boolean; issues: FieldIssue[] } {
  const parsed = parseRequest(buildApiGatewayEvent({ stage, body: JSON.stringify(body) }), { stages: STAGES });
  if (parsed.ok) return { accepted: true, issues: [] };
  const response = JSON.parse(parsed.response.body) as { issues?: FieldIssue[] };
  return { accepted: false, issues: response.issues ?? [] };
}

/** Checks one body: the schema accepts it exactly when the API does or every API issue is a named check. */
function assertSameVerdict(stage: Stage, body: unknown, label: string): void {
  const sent = JSON.parse(JSON.stringify(body));
  const api = apiVerdict(stage, sent);
  const validate = validators.get(stage)!;
  const schemaAccepts = validate(sent);
  const onlyNamedChecks = !api.accepted && api.issues.length > 0 && api.issues.every(isNamedCheck);
  const expected = api.accepted || onlyNamedChecks;
  if (schemaAccepts !== expected) {
    throw new Error(
      `${label}: schema ${schemaAccepts ? 'accepts' : 'refuses'}, API ${api.accepted ? 'accepts' : 'refuses'} ` +
        `${JSON.stringify(api.issues)}; Ajv: ${JSON.stringify(validate.errors?.slice(0, 3))}`,
    );
  }
}

describe('published JSON Schemas (draft 2020-12)', () => {
  it.each(STAGES)('%s.schema.json is draft 2020-12 and compiles with a default Ajv 2020 (strict mode)', (stage) => {
    const schema = committedSchema(stage);
    expect(schema.$schema).toBe(JSON_SCHEMA_DRAFT_2020_12);
    expect(() => new Ajv2020().compile(schema)).not.toThrow();
    expect(JSON.stringify(schema)).not.toContain('"format"');
  });

  it.each(STAGES)('%s.schema.json names every check it cannot express in its description', (stage) => {
    const description = String(committedSchema(stage).description);
    for (const [field, rule] of Object.entries(CHECKS_BEYOND_JSON_SCHEMA))
      expect(description).toContain(`${field}: ${rule}`);
  });
});

describe.each(STAGES)('published schema of %s agrees with the API on generated bodies', (stage) => {
  it('accepts every body the API accepts', () => {
    fc.assert(
      fc.property(arbValidBody(stage), (body) => assertSameVerdict(stage, body, 'valid body')),
      { numRuns: RUNS },
    );
  });

  it('refuses every body broken in one field, unless the only problem is a named check', () => {
    fc.assert(
      fc.property(arbInvalidBody(stage), ({ body, mutation }) => assertSameVerdict(stage, body, mutation)),
      { numRuns: INVALID_RUNS },
    );
  });

  it('agrees on events broken in several fields at once', () => {
    fc.assert(
      fc.property(arbEventWithProblems(stage), ({ event, mutations }) =>
        assertSameVerdict(stage, event, mutations.join('; ')),
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses an event of another stage, as the API does', () => {
    const others = STAGES.filter((other) => other !== stage);
    fc.assert(
      fc.property(
        fc.constantFrom(...others).chain((other) => arbInvoiceEvent(other)),
        fc.boolean(),
        (event, batch) => {
          const body = batch ? { events: [event] } : event;
          expect(validators.get(stage)!(body)).toBe(false);
          expect(apiVerdict(stage, body).accepted).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('JSON Schema forms of the contract refinements', () => {
  it('REAL_CALENDAR_DATE_PATTERN matches exactly the days isCalendarDate accepts, 1969 to 3000', () => {
    const mismatches: string[] = [];
    for (let year = 1969; year <= 3000; year++) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          if (REAL_CALENDAR_DATE_PATTERN.test(date) !== isCalendarDate(date)) mismatches.push(date);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('NOT_BLANK_TEXT_PATTERN is "no control characters and something left after trim()"', () => {
    const unit = fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u2028', '\u3000', '\ufeff', 'a', 'é', '\u0007', '😀');
    fc.assert(
      fc.property(
        fc.array(unit, { maxLength: 6 }).map((chars) => chars.join('')),
        (text) => {
          const hasControl = [...text].some((char) => char.codePointAt(0)! < 0x20 || char === '\u007f');
          const expected = !hasControl && text.trim().length > 0;
          expect(new RegExp(NOT_BLANK_TEXT_PATTERN.source, 'u').test(text)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('NON_NEGATIVE_ZERO_AMOUNT_PATTERN refuses every spelling of negative zero and nothing else', () => {
    for (const zero of ['-0', '-0.0', '-0.00', '-0.000000'])
      expect(NON_NEGATIVE_ZERO_AMOUNT_PATTERN.test(zero)).toBe(false);
    for (const amount of ['0', '0.00', '-0.01', '-10', '-0.000001', '1250.00']) {
      expect(NON_NEGATIVE_ZERO_AMOUNT_PATTERN.test(amount), amount).toBe(true);
    }
  });

  it('lists the country codes the contract knows (not XX or ZZ)', () => {
    const codes = knownCountryCodes();
    expect(codes).toEqual(expect.arrayContaining(['DE', 'US', 'JP', 'BH']));
    expect(codes).not.toContain('ZZ');
    expect(codes).not.toContain('XX');
  });
});
