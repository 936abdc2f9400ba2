import type { ActionContext, ActionInput } from '../ActionContext.ts';
import { ResourceNotFoundError, ValidationError } from '../errors.ts';
import { TIMESTREAM_LIMITS } from '../limits.ts';
import { read, resourceName } from '../readInput.ts';
import { tableToWire } from '../toWire.ts';

/** NextToken is an opaque cursor: the offset into the ordered list, base64url-encoded. */
function decodeToken(token: unknown): number {
  if (token === undefined || token === null) return 0;
  const offset = typeof token === 'string' ? Number(Buffer.from(token, 'base64url').toString('utf8')) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new ValidationError('The NextToken is invalid.');
  return offset;
}

/** ListTables, of one database or (without DatabaseName) of all. */
export function listTables(input: ActionInput, context: ActionContext): unknown {
  const databaseName = input.DatabaseName === undefined ? undefined : resourceName(input, 'DatabaseName');
  const maxResults =
    read.optionalInteger(input, 'MaxResults', { min: 1, max: TIMESTREAM_LIMITS.listTablesMaxResults }) ??
    TIMESTREAM_LIMITS.listTablesMaxResults;
  const offset = decodeToken(input.NextToken);
  if (databaseName !== undefined && !context.store.getDatabase(databaseName)) {
    throw new ResourceNotFoundError(databaseName);
  }
  const tables = context.store.listTables(databaseName);
  const page = tables.slice(offset, offset + maxResults);
  const next = offset + page.length;
  return {
    Tables: page.map(tableToWire),
    ...(next < tables.length ? { NextToken: Buffer.from(String(next), 'utf8').toString('base64url') } : {}),
  };
}
