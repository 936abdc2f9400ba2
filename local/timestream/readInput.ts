import { type ActionInput, InputReader } from '../awsEmulator/index.ts';
import { ValidationError } from './errors.ts';
import { RESOURCE_NAME_PATTERN, TIMESTREAM_LIMITS } from './limits.ts';

/** Readers for action inputs, with AWS's validation wording. */
export const read = new InputReader({ invalid: ValidationError });

/** A database or table name (required). */
export function resourceName(input: ActionInput, key: 'DatabaseName' | 'TableName'): string {
  const { min, max } = key === 'DatabaseName' ? TIMESTREAM_LIMITS.databaseNameChars : TIMESTREAM_LIMITS.tableNameChars;
  return read.requiredString(input, key, { minLength: min, maxLength: max, pattern: RESOURCE_NAME_PATTERN });
}
