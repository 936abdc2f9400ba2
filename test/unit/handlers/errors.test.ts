import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  classifyAwsError,
  MalformedMessageError,
  RecordRejectedError,
  toDownstreamError,
} from '../../../handlers/shared/errors.ts';

const awsError = (name: string, status: number, extra: object = {}) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra });

describe('classifyAwsError', () => {
  it.each([
    ['throttling', awsError('ThrottlingException', 400)],
    ['a 5xx of any name', awsError('SomethingBroke', 503)],
    ['HTTP 429', awsError('TooManyRequests', 429)],
    ['an error Smithy marks retryable', awsError('Custom', 400, { $retryable: {} })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a refused connection (emulator restarting)', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })],
    ['an SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('treats %s as transient', (_label, error) => {
    expect(classifyAwsError(error).kind).toBe('transient');
  });

  it.each([
    ['validation', awsError('ValidationException', 400)],
    ['access denied', awsError('AccessDeniedException', 403)],
    ['a missing resource', awsError('ResourceNotFoundException', 404)],
    ['rejected records', awsError('RejectedRecordsException', 419)],
    ['a programming error', new TypeError('x is not a function')],
  ])('treats %s as permanent', (_label, error) => {
    expect(classifyAwsError(error).kind).toBe('permanent');
  });

  it('keeps the cause and the code when wrapping', () => {
    const cause = awsError('ThrottlingException', 400);

    const wrapped = toDownstreamError('SNS', 'PublishBatch', cause);

    expect(wrapped).toMatchObject({
      service: 'SNS',
      operation: 'PublishBatch',
      code: 'ThrottlingException',
      retryable: true,
    });
    expect(wrapped.cause).toBe(cause);
  });
});

describe('handler errors', () => {
  it('carry a name, a kind and their context', () => {
    const config = new ConfigError([{ variable: 'CELL_ID', message: 'is required but not set' }]);
    const malformed = new MalformedMessageError('m-1', [{ path: 'detail.amount', message: 'must be a string' }]);
    const rejected = new RecordRejectedError('e-1', 'invalid', 'bad value');

    expect([config.name, config.kind, config.variables]).toEqual(['ConfigError', 'permanent', ['CELL_ID']]);
    expect(malformed.message).toContain('detail.amount: must be a string');
    expect([rejected.name, rejected.retryable]).toEqual(['RecordRejectedError', false]);
  });
});
