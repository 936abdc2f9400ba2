/** The pieces every match-type module shares: leaf values, value tests and problem reporting. */

/** A leaf value of an event: every JSON scalar. Objects and arrays are never leaves. */
export type Leaf = string | number | boolean | null;
export type ValueTest = (value: Leaf) => boolean;

export interface Problems {
  add(message: string): void;
}

export const never: ValueTest = () => false;

/** Reports `message` and returns a test that matches nothing (the pattern is refused anyway). */
export function refuse(problems: Problems, message: string): ValueTest {
  problems.add(message);
  return never;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
