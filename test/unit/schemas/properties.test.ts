import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  amountProblem,
  fromMinorUnits,
  maxAmountMinorUnits,
  minorUnitDigits,
  SUPPORTED_CURRENCIES,
  toMinorUnits,
} from '../../../schemas/money.ts';
import { parseRequestBody } from '../../../schemas/parseRequestBody.ts';
import { requestModelSchema } from '../../../schemas/requestModel.ts';
import { STAGES } from '../../../schemas/stages.ts';
import { arbEventWithProblems, arbInvalidBody, arbValidBody } from '../../helpers/arbitraries.ts';

/**
 * Property-based specification of the contract: every generated valid body passes (and comes out
 * unchanged), every body broken in one field fails with issues at exactly that field's path.
 * Seeds are random per run; a failure prints the seed and the shrunk counterexample to replay.
 */
const RUNS = 500;
const INVALID_RUNS = 1000;

/** Sends a body through JSON like a client does (drops undefined, turns -0 into 0). */
function overTheWire(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body));
}

describe.each(STAGES)('contract properties for stage %s', (stage) => {
  it('accepts every generated valid body and returns its events unchanged, with stage filled in', () => {
    fc.assert(
      fc.property(arbValidBody(stage), (body) => {
        // Prepare
        const sent = overTheWire(body) as Record<string, unknown>;
        const sentEvents = (Array.isArray(sent.events) ? sent.events : [sent]) as Record<string, unknown>[];
        // Act
        const result = parseRequestBody(stage, sent);
        // Assess
        if (!result.success) throw new Error(`rejected: ${JSON.stringify(result.issues)}`);
        expect(result.batch).toBe(Array.isArray(sent.events));
        expect(result.events).toEqual(sentEvents.map((event) => ({ ...event, stage })));
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects every body broken in one field, reporting issues at exactly that field path', () => {
    fc.assert(
      fc.property(arbInvalidBody(stage), ({ body, path, mutation }) => {
        // Act
        const result = parseRequestBody(stage, overTheWire(body));
        // Assess
        if (result.success) throw new Error(`accepted a body with: ${mutation}`);
        expect(result.issues.length, mutation).toBeGreaterThan(0);
        expect(
          result.issues.map((issue) => issue.path),
          mutation,
        ).toEqual(result.issues.map(() => path));
      }),
      { numRuns: INVALID_RUNS },
    );
  });
});

describe.each(STAGES)('contract properties for stage %s, several problems at once', (stage) => {
  it('lists every problem of an event broken in several independent fields, each at its own path', () => {
    fc.assert(
      fc.property(arbEventWithProblems(stage), ({ event, paths, mutations }) => {
        // Act
        const result = parseRequestBody(stage, overTheWire(event));
        // Assess
        if (result.success) throw new Error(`accepted an event with: ${mutations.join('; ')}`);
        const reported = new Set(result.issues.map((issue) => issue.path));
        expect([...reported].sort(), mutations.join('; ')).toEqual([...new Set(paths)].sort());
      }),
      { numRuns: RUNS },
    );
  });
});

describe('API Gateway request model properties', () => {
  // The model is enforced before the Lambda; it must never refuse a body the contract accepts.
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validators = new Map(
    STAGES.map((stage) => {
      const { $schema: _draft04, ...schema } = requestModelSchema(stage);
      return [stage, ajv.compile(schema)];
    }),
  );

  it('accepts every body the zod contract accepts, for every stage', () => {
    fc.assert(
      fc.property(
        // One arbitrary per stage built up front: building arbitraries inside chain() is slow.
        fc.oneof(...STAGES.map((stage) => arbValidBody(stage).map((body) => ({ stage, body })))),
        ({ stage, body }) => {
          const validate = validators.get(stage)!;
          expect(validate(overTheWire(body)), JSON.stringify(validate.errors)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('money properties', () => {
  const arbCurrency = fc.constantFrom(...SUPPORTED_CURRENCIES);

  it('fromMinorUnits then toMinorUnits is the identity for every amount the contract accepts', () => {
    fc.assert(
      fc.property(
        arbCurrency.chain((currency) => {
          const max = maxAmountMinorUnits(currency);
          return fc.bigInt({ min: -max, max }).map((minor) => ({ currency, minor }));
        }),
        ({ currency, minor }) => {
          const text = fromMinorUnits(minor, currency);
          expect(toMinorUnits(text, currency)).toBe(minor);
          expect(amountProblem(text, currency)).toBeUndefined();
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('toMinorUnits then fromMinorUnits keeps the value and writes exactly the currency digits', () => {
    fc.assert(
      fc.property(
        arbCurrency.chain((currency) =>
          fc
            .tuple(
              fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }),
              fc.nat({ max: minorUnitDigits(currency) }),
              fc.boolean(),
            )
            .map(([whole, places, negative]) => ({ currency, whole, places, negative })),
        ),
        fc.nat({ max: 999 }),
        ({ currency, whole, places, negative }, fractionSeed) => {
          // Prepare: a decimal with `places` (≤ the currency's digits) fraction digits
          const fraction = places === 0 ? '' : `.${String(fractionSeed % 10 ** places).padStart(places, '0')}`;
          const text = `${negative && (whole > 0n || /[1-9]/.test(fraction)) ? '-' : ''}${whole}${fraction}`;
          // Act
          const formatted = fromMinorUnits(toMinorUnits(text, currency), currency);
          // Assess: same digits once both are padded to the currency's digits
          const digits = minorUnitDigits(currency);
          const [w, f = ''] = text.split('.');
          expect(formatted).toBe(digits === 0 ? w : `${w}.${f.padEnd(digits, '0')}`);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
