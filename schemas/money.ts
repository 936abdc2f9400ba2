/**
 * Exact money handling. Amounts travel as decimal strings and become integer minor units
 * (bigint) in code; no floating point touches an amount (STYLE §6).
 *
 * The number of minor-unit digits per currency comes from the runtime's ICU data via `Intl`
 * (JPY 0, USD 2, BHD 3, …) so there is no hand-kept table to go stale.
 */

const supportedCurrencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
const minorDigitsCache = new Map<string, number>();

/** An exact decimal: optional minus, 1–15 integer digits, optional fraction. No exponent, no `+`. */
export const DECIMAL_AMOUNT_PATTERN = /^-?(0|[1-9]\d{0,14})(\.\d{1,6})?$/;

export function isSupportedCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && supportedCurrencies.has(code);
}

/** Digits after the decimal point that `currency` uses (ISO 4217 minor units). */
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
