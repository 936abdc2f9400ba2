import { parseArgs } from 'node:util';

type FlagDefaults = Readonly<Record<string, number | string | undefined>>;
type Flags<D extends FlagDefaults> = {
  readonly [K in keyof D]: D[K] extends number ? number : D[K] extends string ? string : string | undefined;
};

/**
 * The `--name value` flags of a micro-benchmark, declared by their defaults: a number default makes
 * a numeric flag (anything that is not a number is refused), a string default a string flag, and
 * `undefined` an optional string flag. Unknown flags are refused, as `parseArgs` does.
 *
 *   const { calls, phases } = benchFlags({ calls: 1000, phases: 'store,sdk', 'data-dir': undefined });
 */
export function benchFlags<const D extends FlagDefaults>(defaults: D): Flags<D> {
  const options = Object.fromEntries(
    Object.entries(defaults).map(([name, fallback]) => [
      name,
      fallback === undefined ? { type: 'string' as const } : { type: 'string' as const, default: String(fallback) },
    ]),
  );
  const { values } = parseArgs({ options });
  const flags = Object.entries(defaults).map(([name, fallback]) => {
    const given = values[name] as string | undefined;
    if (typeof fallback !== 'number') return [name, given];
    const value = Number(given);
    if (given === undefined || given.trim() === '' || !Number.isFinite(value)) {
      throw new Error(`--${name} must be a number (got ${given})`);
    }
    return [name, value];
  });
  return Object.fromEntries(flags) as Flags<D>;
}
