import { ConfigError } from './errors.ts';

/** A Lambda-style environment: `process.env`, or the record the local cell builds. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads variables from an {@link Env} and collects every problem, so a misconfigured function
 * reports all missing or invalid variables in one {@link ConfigError} instead of one per deploy.
 */
export class EnvReader {
  readonly #env: Env;
  readonly #problems: { variable: string; message: string }[] = [];

  constructor(env: Env) {
    this.#env = env;
  }

  /** A non-empty value, or a recorded problem (and `''`) when it is missing. */
  required(variable: string): string {
    const value = this.optional(variable);
    if (value === undefined) {
      this.problem(variable, 'is required but not set');
      return '';
    }
    return value;
  }

  /** A trimmed non-empty value, or `undefined`. */
  optional(variable: string): string | undefined {
    const value = this.#env[variable]?.trim();
    return value ? value : undefined;
  }

  /** `true`/`false` (also `1`/`0`); anything else is a problem. */
  boolean(variable: string, fallback: boolean): boolean {
    const value = this.optional(variable)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.problem(variable, `must be true or false, got "${value}"`);
    return fallback;
  }

  /** A whole number ≥ 1, or `undefined` when unset; anything else is a problem. */
  optionalPositiveInteger(variable: string): number | undefined {
    const value = this.optional(variable);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (/^\d+$/.test(value) && Number.isSafeInteger(number) && number >= 1) return number;
    this.problem(variable, `must be a whole number of at least 1, got "${value}"`);
    return undefined;
  }

  /** Records a problem found while interpreting a value. */
  problem(variable: string, message: string): void {
    if (this.#problems.some((p) => p.variable === variable && p.message === message)) return;
    this.#problems.push({ variable, message });
  }

  /** Throws one {@link ConfigError} naming every problem found so far. */
  assertValid(): void {
    if (this.#problems.length > 0) throw new ConfigError([...this.#problems]);
  }
}
