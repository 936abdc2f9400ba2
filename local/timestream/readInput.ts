import { SerializationError, ValidationError } from './errors.ts';
import { RESOURCE_NAME_PATTERN, TIMESTREAM_LIMITS } from './limits.ts';
import type { ActionInput } from './TimestreamRouter.ts';

/**
 * Readers for action inputs. Messages follow AWS's validation wording so that an error from the
 * emulator reads like one from the service ("1 validation error detected: ...").
 */

function constraint(member: string, value: unknown, rule: string): ValidationError {
  const shown = typeof value === 'string' ? `'${value}' ` : '';
  return new ValidationError(
    `1 validation error detected: Value ${shown}at '${member}' failed to satisfy constraint: ${rule}`,
  );
}

/** A database or table name (required). */
export function resourceName(input: ActionInput, key: 'DatabaseName' | 'TableName'): string {
  const value = input[key];
  const member = key === 'DatabaseName' ? 'databaseName' : 'tableName';
  if (value === undefined || value === null) throw constraint(member, value, 'Member must not be null');
  if (typeof value !== 'string') throw new SerializationError(`${key} must be a string`);
  const { min, max } = key === 'DatabaseName' ? TIMESTREAM_LIMITS.databaseNameChars : TIMESTREAM_LIMITS.tableNameChars;
  if (value.length < min || value.length > max) {
    throw constraint(member, value, `Member must have length between ${min} and ${max}`);
  }
  if (!RESOURCE_NAME_PATTERN.test(value)) {
    throw constraint(member, value, `Member must satisfy regular expression pattern: ${RESOURCE_NAME_PATTERN.source}`);
  }
  return value;
}

/** An optional integer member within [min, max]. */
export function optionalInteger(
  parent: Record<string, unknown>,
  key: string,
  member: string,
  range: { min: number; max: number },
): number | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new SerializationError(`${key} must be an integer`);
  if (value < range.min || value > range.max) {
    throw constraint(member, String(value), `Member must be between ${range.min} and ${range.max}`);
  }
  return value;
}

/** An optional JSON object member. */
export function optionalObject(parent: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new SerializationError(`${key} must be an object`);
  return value as Record<string, unknown>;
}
