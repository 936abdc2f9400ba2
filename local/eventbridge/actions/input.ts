import { type ActionInput, InputReader, memberName, toEpochSeconds } from '../../awsEmulator/index.ts';
import { ValidationError } from '../errors.ts';
import { EVENTBRIDGE_LIMITS } from '../limits.ts';

export type { ActionInput };
export { toEpochSeconds };

/**
 * Readers for action inputs, the way the EventBridge service validates them and with its wording
 * ("1 validation error detected: Value … at 'name' failed to satisfy constraint: …"), so that
 * scripts matching on AWS messages behave the same locally.
 */
export const read = new InputReader({ invalid: ValidationError });

/** A constraint error for the member `field` (AWS names it in camelCase); a missing value shows as null. */
export function constraintError(field: string, value: unknown, constraint: string): Error {
  return read.constraint(memberName(field), value ?? null, constraint);
}

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
  const token = read.optionalString(input, 'NextToken');
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
