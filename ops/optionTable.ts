/**
 * node:util parseArgs option declarations by name, for the CLI's commands and the load-test scripts:
 * `{ ...stringOptions('from', 'to'), ...booleanOptions('json') }` declares `--from`, `--to` (each
 * taking a value) and the flag `--json`. Options with a default, `multiple` or a short name are
 * still declared one by one next to them.
 */
type Declared<N extends string, T extends 'string' | 'boolean'> = { readonly [K in N]: { readonly type: T } };

function declare<N extends string, T extends 'string' | 'boolean'>(type: T, names: readonly N[]): Declared<N, T> {
  return Object.fromEntries(names.map((name) => [name, { type }])) as Declared<N, T>;
}

/** Options that take a value (`--name value` or `--name=value`). */
export function stringOptions<N extends string>(...names: readonly N[]): Declared<N, 'string'> {
  return declare('string', names);
}

/** Flags (`--name`, no value). */
export function booleanOptions<N extends string>(...names: readonly N[]): Declared<N, 'boolean'> {
  return declare('boolean', names);
}
