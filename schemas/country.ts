/** Countries as ISO 3166-1 alpha-2 codes, as the runtime's `Intl` knows them. */

export const COUNTRY_CODE_PATTERN = /^[A-Z]{2}$/;

const knownRegions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/** `Intl.DisplayNames#of` is slow next to a Map lookup; at most 26² codes pass the pattern first. */
const knownCountryCache = new Map<string, boolean>();
let knownCountryList: readonly string[] | undefined;

/** ISO 3166-1 alpha-2 as the runtime's `Intl` knows it ("XX" and the "unknown region" ZZ are not countries). */
export function isKnownCountry(code: string): boolean {
  let known = knownCountryCache.get(code);
  if (known === undefined) {
    known = code !== 'ZZ' && knownRegions.of(code) !== undefined;
    knownCountryCache.set(code, known);
  }
  return known;
}

/**
 * Every code {@link isKnownCountry} accepts, sorted. Computed on first use (676 lookups): only the
 * published JSON Schemas need the list, never a request.
 */
export function knownCountryCodes(): readonly string[] {
  if (knownCountryList === undefined) {
    const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
    knownCountryList = letters.flatMap((a) => letters.map((b) => `${a}${b}`)).filter(isKnownCountry);
  }
  return knownCountryList;
}
