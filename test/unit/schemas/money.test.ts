import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  amountProblem,
  decimalPlaces,
  fromMinorUnits,
  isSupportedCurrency,
  MAX_MINOR_UNITS,
  maxAmountMinorUnits,
  minorUnitDigits,
  toMinorUnits,
} from '../../../schemas/money.ts';

describe('money', () => {
  describe('minorUnitDigits (from Intl)', () => {
    // Pinned on purpose: an ICU upgrade that changes one of these changes which amounts BEMS
    // accepts, and must be a reviewed change, not a surprise.
    it.each([
      ['JPY', 0],
      ['KRW', 0],
      ['USD', 2],
      ['EUR', 2],
      ['GBP', 2],
      ['CHF', 2],
      ['BHD', 3],
      ['KWD', 3],
      ['JOD', 3],
      ['TND', 3],
    ])('%s has %i decimal places', (currency, digits) => {
      expect(minorUnitDigits(currency)).toBe(digits);
    });

    it('refuses a code the runtime does not know', () => {
      expect(() => minorUnitDigits('XYZ')).toThrow(RangeError);
      expect(isSupportedCurrency('XYZ')).toBe(false);
      expect(isSupportedCurrency('eur')).toBe(false);
    });
  });

  describe('toMinorUnits', () => {
    it.each([
      ['12.5', 'USD', 1250n],
      ['12.50', 'USD', 1250n],
      ['0.01', 'EUR', 1n],
      ['-250.5', 'EUR', -25050n],
      ['1250', 'JPY', 1250n],
      ['1.234', 'BHD', 1234n],
      ['0.1', 'BHD', 100n],
      ['0', 'KWD', 0n],
    ])('converts %s %s to %i minor units', (amount, currency, minor) => {
      expect(toMinorUnits(amount, currency)).toBe(minor);
    });

    it('is exact where floating point is not (0.1 + 0.2, 15 integer digits)', () => {
      expect(toMinorUnits('0.1', 'USD') + toMinorUnits('0.2', 'USD')).toBe(toMinorUnits('0.3', 'USD'));
      expect(toMinorUnits('999999999999999.99', 'USD')).toBe(99999999999999999n);
    });

    it('rejects more decimals than the currency has instead of rounding', () => {
      expect(() => toMinorUnits('1.5', 'JPY')).toThrow(/JPY allows 0 decimal places/);
      expect(() => toMinorUnits('1.005', 'USD')).toThrow(RangeError);
    });

    it('rejects strings that are not exact decimals', () => {
      for (const amount of ['1e3', '1,000', '+1', '.5', 'NaN', '']) {
        expect(() => toMinorUnits(amount, 'USD'), amount).toThrow(RangeError);
      }
    });
  });

  describe('fromMinorUnits', () => {
    it.each([
      [1250n, 'USD', '12.50'],
      [1n, 'EUR', '0.01'],
      [-5n, 'EUR', '-0.05'],
      [0n, 'EUR', '0.00'],
      [1250n, 'JPY', '1250'],
      [1234n, 'BHD', '1.234'],
      [-1n, 'BHD', '-0.001'],
    ])('writes %i %s as %s', (minor, currency, text) => {
      expect(fromMinorUnits(minor, currency)).toBe(text);
    });

    it('round-trips with toMinorUnits at the bound', () => {
      for (const currency of ['USD', 'JPY', 'BHD']) {
        const max = maxAmountMinorUnits(currency);
        expect(toMinorUnits(fromMinorUnits(max, currency), currency)).toBe(max);
        expect(toMinorUnits(fromMinorUnits(-max, currency), currency)).toBe(-max);
      }
    });
  });

  describe('amountProblem', () => {
    it('accepts an amount that fits its currency', () => {
      expect(amountProblem('12.345', 'BHD')).toBeUndefined();
    });

    it('names the currency and its decimal places', () => {
      expect(amountProblem('12.5', 'JPY')).toBe('JPY allows at most 0 decimal places');
      expect(amountProblem('1.2345', 'BHD')).toBe('BHD allows at most 3 decimal places');
    });

    it('bounds amounts at 2^53-1 minor units, where JavaScript and DOUBLE stop being exact', () => {
      expect(maxAmountMinorUnits('EUR')).toBe(MAX_MINOR_UNITS);
      expect(amountProblem(fromMinorUnits(MAX_MINOR_UNITS, 'EUR'), 'EUR')).toBeUndefined();
      expect(amountProblem(fromMinorUnits(MAX_MINOR_UNITS + 1n, 'EUR'), 'EUR')).toContain('must be between');
    });

    it('says "out of range" exactly when the minor units exceed 2^53-1, short amounts included', () => {
      // amountProblem skips the bigint for amounts too short to reach the bound: compare with it.
      const digits = (min: number, max: number) =>
        fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
      const amount = fc
        .tuple(fc.boolean(), fc.integer({ min: 1, max: 9 }), digits(0, 14), fc.option(digits(1, 3), { nil: undefined }))
        .map(([minus, lead, rest, fraction]) => `${minus ? '-' : ''}${lead}${rest}${fraction ? `.${fraction}` : ''}`);
      fc.assert(
        fc.property(amount, fc.constantFrom('JPY', 'EUR', 'BHD'), (value, currency) => {
          if (decimalPlaces(value) > minorUnitDigits(currency)) return;
          const minor = toMinorUnits(value, currency);
          const outOfRange = minor > MAX_MINOR_UNITS || -minor > MAX_MINOR_UNITS;
          expect(amountProblem(value, currency)?.startsWith('must be between') ?? false).toBe(outOfRange);
        }),
        { numRuns: 3000 },
      );
      expect(amountProblem('90071992547409.91', 'EUR')).toBeUndefined();
      expect(amountProblem('90071992547409.92', 'EUR')).toContain('must be between');
      expect(amountProblem('9007199254740.992', 'BHD')).toContain('must be between');
    });

    it('bounds 0-decimal currencies by the 15 integer digits of the amount pattern', () => {
      expect(maxAmountMinorUnits('JPY')).toBe(999_999_999_999_999n);
      expect(amountProblem('1000000000000000', 'JPY')).toContain('exact decimal string');
    });

    it('rejects negative zero', () => {
      expect(amountProblem('-0.00', 'EUR')).toBe('must not be negative zero');
    });
  });

  it('decimalPlaces counts the digits after the point', () => {
    expect([decimalPlaces('12'), decimalPlaces('12.5'), decimalPlaces('-0.125')]).toEqual([0, 1, 3]);
  });
});
