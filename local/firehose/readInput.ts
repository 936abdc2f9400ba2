import { type ActionInput, InputReader } from '../awsEmulator/index.ts';
import { InvalidArgumentError, SerializationError } from './errors.ts';
import { FIREHOSE_LIMITS, STREAM_NAME_PATTERN } from './limits.ts';

export type { ActionInput };

/**
 * Readers for operation inputs, with AWS's validation wording. Firehose answers a broken
 * constraint with InvalidArgumentException (it has no ValidationException).
 */
export const read = new InputReader({ invalid: InvalidArgumentError });

/** `DeliveryStreamName` (or another member holding one). */
export function streamName(input: ActionInput, key = 'DeliveryStreamName', member = 'deliveryStreamName'): string {
  const { min, max } = FIREHOSE_LIMITS.streamNameChars;
  return read.requiredString(input, key, { member, minLength: min, maxLength: max, pattern: STREAM_NAME_PATTERN });
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
  if (data === undefined || data === null) throw read.missing(member);
  if (typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data)) {
    throw new SerializationError(`${member} must be a base64-encoded blob`);
  }
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > FIREHOSE_LIMITS.maxRecordBytes) {
    throw read.constraint(
      member,
      undefined,
      `Member must have length less than or equal to ${FIREHOSE_LIMITS.maxRecordBytes}`,
    );
  }
  return bytes;
}
