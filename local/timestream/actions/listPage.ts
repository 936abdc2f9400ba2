import type { ActionInput } from '../ActionContext.ts';
import { ValidationError } from '../errors.ts';
import { TIMESTREAM_LIMITS } from '../limits.ts';
import { read } from '../readInput.ts';

/**
 * One page of a List* result: `MaxResults` (1–20, default 20) entries after `NextToken`, an opaque
 * cursor (the offset into the ordered list, base64url-encoded), and the token of the next page.
 */
export function listPage<T>(items: readonly T[], input: ActionInput): { page: T[]; nextToken?: string } {
  const max = TIMESTREAM_LIMITS.listMaxResults;
  const maxResults = read.optionalInteger(input, 'MaxResults', { min: 1, max }) ?? max;
  const offset = decodeToken(read.optionalString(input, 'NextToken'));
  const page = items.slice(offset, offset + maxResults);
  const next = offset + page.length;
  return next < items.length ? { page, nextToken: Buffer.from(String(next), 'utf8').toString('base64url') } : { page };
}

function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(offset) || offset < 0) throw new ValidationError('The NextToken is invalid.');
  return offset;
}
