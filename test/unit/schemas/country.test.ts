import { describe, expect, it } from 'vitest';
import { isKnownCountry, knownCountryCodes, regionCodesKnownToIntl } from '../../../schemas/country.ts';

describe('country codes (schemas/country.ts)', () => {
  it("accepts exactly the alpha-2 codes this runtime's Intl names as regions", () => {
    const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
    const everyPair = letters.flatMap((a) => letters.map((b) => `${a}${b}`));
    const fromIntl = new Set(regionCodesKnownToIntl());
    expect(everyPair.filter(isKnownCountry)).toEqual(everyPair.filter((code) => fromIntl.has(code)));
    expect(knownCountryCodes()).toEqual([...fromIntl]);
  });

  it('refuses what is not an upper-case code of a country', () => {
    for (const code of ['ZZ', 'XX', 'de', 'DEU', '', 'D']) expect(isKnownCountry(code)).toBe(false);
    for (const code of ['DE', 'US', 'JP', 'BH']) expect(isKnownCountry(code)).toBe(true);
  });
});
