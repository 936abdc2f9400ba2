/**
 * Countries as ISO 3166-1 alpha-2 codes, as Node's `Intl` (its ICU data) knows them.
 *
 * The list is generated (`npm run schemas` writes `generated/country-codes.json` from
 * {@link regionCodesKnownToIntl}; `--check` fails once the runtime's ICU disagrees) rather than
 * asked of `Intl` at run time: building an `Intl.DisplayNames` loads ICU's region names, 11 ms and
 * more of every Lambda cold start that only ever answered "is this one of a few hundred codes"
 * (docs/PERFORMANCE.md, "Lambda cold starts"). One list also means the published JSON Schemas'
 * enum and the check the functions run cannot disagree.
 */
import GENERATED_COUNTRY_CODES from './generated/country-codes.json' with { type: 'json' };

export const COUNTRY_CODE_PATTERN = /^[A-Z]{2}$/;

const knownCountries: ReadonlySet<string> = new Set(GENERATED_COUNTRY_CODES);

/** ISO 3166-1 alpha-2 as the runtime's `Intl` knows it ("XX" and the "unknown region" ZZ are not countries). */
export function isKnownCountry(code: string): boolean {
  return knownCountries.has(code);
}

/** Every code {@link isKnownCountry} accepts, sorted. */
export function knownCountryCodes(): readonly string[] {
  return GENERATED_COUNTRY_CODES;
}

/**
 * The alpha-2 codes this runtime's `Intl` names as regions, sorted (676 lookups): what
 * `npm run schemas` writes to `generated/country-codes.json`. Not for request paths.
 */
export function regionCodesKnownToIntl(): string[] {
  const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  return letters
    .flatMap((a) => letters.map((b) => `${a}${b}`))
    .filter((code) => code !== 'ZZ' && regions.of(code) !== undefined);
}
