import { InvalidArgumentError, SerializationError } from './errors.ts';
import { FIREHOSE_LIMITS, STREAM_NAME_PATTERN } from './limits.ts';

/**
 * Readers for operation inputs. Constraint messages follow AWS's validation wording, so an error
 * from the emulator reads like one from the service ("1 validation error detected: ...").
 */

export type ActionInput = Record<string, unknown>;

export function constraint(member: string, rule: string, value?: string): InvalidArgumentError {
  const shown = value === undefined ? '' : `'${value}' `;
  return new InvalidArgumentError(
    `1 validation error detected: Value ${shown}at '${member}' failed to satisfy constraint: ${rule}`,
  );
}

/** A required string member. */
export function requiredString(parent: Record<string, unknown>, key: string, member: string): string {
  const value = parent[key];
  if (value === undefined || value === null) throw constraint(member, 'Member must not be null', 'null');
  if (typeof value !== 'string') throw new SerializationError(`${key} must be a string`);
  return value;
}

/** A required string that also satisfies a length range and a pattern. */
export function constrainedString(
  parent: Record<string, unknown>,
  key: string,
  member: string,
  length: { readonly min: number; readonly max: number },
  pattern: RegExp,
): string {
  const value = requiredString(parent, key, member);
  if (value.length < length.min || value.length > length.max) {
    throw constraint(member, `Member must have length between ${length.min} and ${length.max}`, value);
  }
  if (!pattern.test(value)) {
    throw constraint(member, `Member must satisfy regular expression pattern: ${pattern.source}`, value);
  }
  return value;
}

/** `DeliveryStreamName` (or another member holding one). */
export function streamName(input: ActionInput, key = 'DeliveryStreamName', member = 'deliveryStreamName'): string {
  return constrainedString(input, key, member, FIREHOSE_LIMITS.streamNameChars, STREAM_NAME_PATTERN);
}

export function optionalString(parent: Record<string, unknown>, key: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SerializationError(`${key} must be a string`);
  return value;
}

export function optionalBoolean(parent: Record<string, unknown>, key: string): boolean | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new SerializationError(`${key} must be a boolean`);
  return value;
}

/** An optional integer member within [min, max]. */
export function optionalInteger(
  parent: Record<string, unknown>,
  key: string,
  member: string,
  range: { readonly min: number; readonly max: number },
): number | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new SerializationError(`${key} must be an integer`);
  if (value < range.min || value > range.max) {
    throw constraint(member, `Member must be between ${range.min} and ${range.max}`, String(value));
  }
  return value;
}

export function optionalObject(parent: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new SerializationError(`${key} must be an object`);
  return value as Record<string, unknown>;
}

export function requiredObject(parent: Record<string, unknown>, key: string, member: string): Record<string, unknown> {
  const value = optionalObject(parent, key);
  if (value === undefined) throw constraint(member, 'Member must not be null', 'null');
  return value;
}

export function optionalArray(parent: Record<string, unknown>, key: string): unknown[] | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new SerializationError(`${key} must be a list`);
  return value;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The decoded data of one `Record` ({ Data: <base64> }), checked against the 1,000 KiB limit.
 * `member` is the field path AWS names in its message (`records.3.member.data`).
 */
export function recordData(record: unknown, member: string): Buffer {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new SerializationError('Each record must be an object { Data }');
  }
  const data = (record as Record<string, unknown>).Data;
  if (data === undefined || data === null) throw constraint(member, 'Member must not be null', 'null');
  if (typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data)) {
    throw new SerializationError(`${member} must be a base64-encoded blob`);
  }
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > FIREHOSE_LIMITS.maxRecordBytes) {
    throw constraint(member, `Member must have length less than or equal to ${FIREHOSE_LIMITS.maxRecordBytes}`);
  }
  return bytes;
}
