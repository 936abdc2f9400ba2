/**
 * Exact money handling. Amounts travel as decimal strings and become integer minor units
 * (bigint) in code; no floating point touches an amount (STYLE §6).
 *
 * The number of minor-unit digits per currency comes from the runtime's ICU data via `Intl`
 * (JPY 0, USD 2, BHD 3, …) so there is no hand-kept table to go stale. ICU follows CLDR, which
 * for a few currencies lists the digits in actual use rather than ISO 4217's nominal minor unit
 * (e.g. HUF, IDR, IQD, COP have 0 in CLDR): BEMS accepts what the runtime reports, and
 * `test/unit/schemas/money.test.ts` pins the digits of the currencies we rely on, so an ICU
 * upgrade that changes them fails CI instead of silently changing which amounts are accepted.
 */

const supportedCurrencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
const minorDigitsCache = new Map<string, number>();

/** An exact decimal: optional minus, 1–15 integer digits, optional fraction. No exponent, no `+`. */
export const DECIMAL_AMOUNT_PATTERN = /^-?(0|[1-9]\d{0,14})(\.\d{1,6})?$/;
/** {@link DECIMAL_AMOUNT_PATTERN} without negative zero ("-0", "-0.00"), for the published JSON Schemas. */
export const NON_NEGATIVE_ZERO_AMOUNT_PATTERN = /^(?!-0(\.0+)?$)-?(0|[1-9]\d{0,14})(\.\d{1,6})?$/;
/** ISO 4217 alphabetic code shape; whether the runtime knows the code is checked separately. */
export const CURRENCY_CODE_PATTERN = /^[A-Z]{3}$/;

/**
 * Largest amount in minor units BEMS accepts: 2^53 − 1. Minor units are stored as a Timestream
 * BIGINT, but dashboards and the DOUBLE `amount` measure read them as JavaScript/IEEE numbers;
 * below this bound both are exact (EUR 90,071,992,547,409.91 — far above any real invoice).
 */
export const MAX_MINOR_UNITS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Largest absolute amount of `currency` in minor units that the contract accepts: 2^53 − 1, or
 * less where the amount pattern's 15 integer digits run out first (currencies with 0 decimals).
 */
export function maxAmountMinorUnits(currency: string): bigint {
  const patternLimit = 10n ** BigInt(15 + minorUnitDigits(currency)) - 1n;
  return patternLimit < MAX_MINOR_UNITS ? patternLimit : MAX_MINOR_UNITS;
}

/** ISO 4217 codes the runtime's `Intl` knows, sorted (e.g. for test data). */
export const SUPPORTED_CURRENCIES: readonly string[] = [...supportedCurrencies].sort();

export function isSupportedCurrency(code: string): boolean {
  return CURRENCY_CODE_PATTERN.test(code) && supportedCurrencies.has(code);
}

/** Digits after the decimal point that `currency` uses (ISO 4217 minor units as `Intl` reports them). */
export function minorUnitDigits(currency: string): number {
  const cached = minorDigitsCache.get(currency);
  if (cached !== undefined) return cached;
  if (!isSupportedCurrency(currency)) throw new RangeError(`unsupported currency: ${currency}`);
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  minorDigitsCache.set(currency, digits);
  return digits;
}

/** Number of digits after the point in a decimal string ("12.50" → 2). */
export function decimalPlaces(amount: string): number {
  const point = amount.indexOf('.');
  return point === -1 ? 0 : amount.length - point - 1;
}

/** "-0", "-0.00": a sign on zero is meaningless in a ledger and would not survive a round trip. */
export function isNegativeZeroAmount(amount: string): boolean {
  return /^-0(\.0+)?$/.test(amount);
}

/**
 * What is wrong with `amount` in `currency`, or undefined when it is acceptable. The single
 * place the amount rules live: the schema reports the message at `amount`.
 * Expects `currency` to be supported; callers check that first and report it at `currency`.
 */
export function amountProblem(amount: string, currency: string): string | undefined {
  if (!DECIMAL_AMOUNT_PATTERN.test(amount)) return 'must be an exact decimal string such as "1250.00"';
  if (isNegativeZeroAmount(amount)) return 'must not be negative zero';
  const allowed = minorUnitDigits(currency);
  if (decimalPlaces(amount) > allowed) {
    return `${currency} allows at most ${allowed} decimal place${allowed === 1 ? '' : 's'}`;
  }
  // The minor units have at most as many digits as the amount has characters plus the missing
  // decimals: up to 15 digits stay below 10^15 < 2^53 - 1, so no bigint is needed to say so.
  if (amount.length + allowed - decimalPlaces(amount) <= 15) return undefined;
  const minor = toMinorUnits(amount, currency);
  if (minor > MAX_MINOR_UNITS || -minor > MAX_MINOR_UNITS) {
    return `must be between -${fromMinorUnits(MAX_MINOR_UNITS, currency)} and ${fromMinorUnits(MAX_MINOR_UNITS, currency)} ${currency}`;
  }
  return undefined;
}

/** "12.5" USD → 1250n. Throws when the amount has more decimals than the currency allows. */
export function toMinorUnits(amount: string, currency: string): bigint {
  if (!DECIMAL_AMOUNT_PATTERN.test(amount)) throw new RangeError(`not an exact decimal amount: ${amount}`);
  const digits = minorUnitDigits(currency);
  const places = decimalPlaces(amount);
  if (places > digits) throw new RangeError(`${currency} allows ${digits} decimal places, got ${places}`);
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? amount.slice(1) : amount).split('.');
  const minor = BigInt(whole + fraction.padEnd(digits, '0'));
  return negative ? -minor : minor;
}

/** 1250n USD → "12.50": the inverse of {@link toMinorUnits}, always with the currency's digits. */
export function fromMinorUnits(minor: bigint, currency: string): string {
  const digits = minorUnitDigits(currency);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits);
  return `${negative ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}
