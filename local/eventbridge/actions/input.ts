import { ValidationError } from '../errors.ts';
import { EVENTBRIDGE_LIMITS } from '../limits.ts';

/**
 * Reading action inputs the way the EventBridge service validates them, with its wording
 * ("1 validation error detected: Value … at 'name' failed to satisfy constraint: …") so that
 * scripts matching on AWS messages behave the same locally.
 */
export type ActionInput = Readonly<Record<string, unknown>>;

/** AWS names members in validation messages in camelCase (`Entries` → `entries`). */
const memberName = (field: string) => field.charAt(0).toLowerCase() + field.slice(1);

export function constraintError(field: string, value: unknown, constraint: string): ValidationError {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return new ValidationError(
    `1 validation error detected: Value ${shown} at '${memberName(field)}' failed to satisfy constraint: ${constraint}`,
  );
}

interface StringRule {
  readonly pattern?: RegExp;
  readonly maxLength?: number;
}

export function requiredString(input: ActionInput, field: string, rule: StringRule = {}): string {
  const value = optionalString(input, field, rule);
  if (value === undefined) throw constraintError(field, undefined, 'Member must not be null');
  return value;
}

export function optionalString(input: ActionInput, field: string, rule: StringRule = {}): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw constraintError(field, JSON.stringify(value), 'Member must be a string');
  if (rule.maxLength !== undefined && value.length > rule.maxLength) {
    throw constraintError(field, value, `Member must have length less than or equal to ${rule.maxLength}`);
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    throw constraintError(field, value, `Member must satisfy regular expression pattern: ${rule.pattern.source}`);
  }
  return value;
}

/** JSON 1.1 timestamps are epoch seconds (fractions allowed); ISO strings are accepted too. */
export function optionalTimestamp(input: ActionInput, field: string): Date | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  const date =
    typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw constraintError(field, JSON.stringify(value), 'Member must be a timestamp');
  }
  return date;
}

export function requiredTimestamp(input: ActionInput, field: string): Date {
  const value = optionalTimestamp(input, field);
  if (value === undefined) throw constraintError(field, undefined, 'Member must not be null');
  return value;
}

/** Epoch seconds, the JSON 1.1 wire form of a timestamp. */
export const toEpochSeconds = (ms: number) => ms / 1000;

/**
 * One page of a List* result. `NextToken` is opaque to clients; here it is the offset of the next
 * page, which is stable because the lists are small and sorted by name.
 */
export function paginate<T>(items: readonly T[], input: ActionInput): { page: T[]; nextToken?: string } {
  const { min, max } = EVENTBRIDGE_LIMITS.listLimit;
  const limit = input.Limit ?? max;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < min || limit > max) {
    throw constraintError('Limit', limit, `Member must have value between ${min} and ${max}`);
  }
  let offset = 0;
  const token = optionalString(input, 'NextToken');
  if (token !== undefined) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded) throw new ValidationError('The NextToken is invalid.');
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + limit;
  return next < items.length ? { page, nextToken: Buffer.from(`o${next}`).toString('base64url') } : { page };
}

/** The answer of a List* action: one page of entries under `K`, and `NextToken` while more remain. */
export type ListOutput<K extends string, R> = Record<K, R[]> & { NextToken?: string };

/** One page of `items`, mapped to their wire form, as the answer of a List* action. */
export function listPage<K extends string, T, R>(
  key: K,
  items: readonly T[],
  input: ActionInput,
  toEntry: (item: T) => R,
): ListOutput<K, R> {
  const { page, nextToken } = paginate(items, input);
  return { [key]: page.map(toEntry), ...(nextToken ? { NextToken: nextToken } : {}) } as ListOutput<K, R>;
}

export function byNamePrefix<T extends { name: string }>(items: Iterable<T>, prefix: string | undefined): T[] {
  return [...items]
    .filter((item) => !prefix || item.name.startsWith(prefix))
    .sort((a, b) => a.name.localeCompare(b.name));
}
