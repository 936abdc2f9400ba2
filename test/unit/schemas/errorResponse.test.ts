import { describe, expect, it } from 'vitest';
import {
  AcceptedResponseSchema,
  ERROR_CODES,
  ErrorResponseSchema,
  toFieldIssues,
} from '../../../schemas/errorResponse.ts';

describe('error response contract', () => {
  it('keeps the error codes clients branch on', () => {
    expect(ERROR_CODES).toMatchObject({
      validationFailed: 'VALIDATION_FAILED',
      forbidden: 'FORBIDDEN',
      unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
      payloadTooLarge: 'PAYLOAD_TOO_LARGE',
      unknownStage: 'UNKNOWN_STAGE',
      busUnavailable: 'BUS_UNAVAILABLE',
    });
  });

  it('accepts a validation error with issues and a 503 naming the rejected eventIds', () => {
    expect(
      ErrorResponseSchema.safeParse({
        code: ERROR_CODES.validationFailed,
        message: '1 problem in the request body',
        issues: [{ path: 'amount', message: 'JPY allows at most 0 decimal places' }],
        requestId: 'r-1',
      }).success,
    ).toBe(true);
    expect(
      ErrorResponseSchema.safeParse({
        code: ERROR_CODES.busUnavailable,
        message: 'retry these events',
        rejectedEventIds: ['7d1f0c1e-2f4b-4a57-9d3e-0c6a3b1f9e21'],
      }).success,
    ).toBe(true);
  });

  it('rejects unknown fields in error and accepted bodies (the shapes are a contract too)', () => {
    expect(ErrorResponseSchema.safeParse({ code: 'X', message: 'm', detail: 'x' }).success).toBe(false);
    expect(AcceptedResponseSchema.safeParse({ accepted: [], count: 0 }).success).toBe(false);
  });
});

describe('toFieldIssues', () => {
  it('joins paths with dots, array indexes included', () => {
    expect(toFieldIssues([{ code: 'custom', path: ['events', 3, 'amount'], message: 'm' }])).toEqual([
      { path: 'events.3.amount', message: 'm' },
    ]);
  });

  it('uses the empty path for a problem with the whole body', () => {
    expect(toFieldIssues([{ path: [], message: 'must be an object' }])).toEqual([
      { path: '', message: 'must be an object' },
    ]);
  });

  it('turns one unrecognized_keys issue into one issue per unknown field at that field', () => {
    expect(
      toFieldIssues([{ code: 'unrecognized_keys', path: ['vendor'], keys: ['iban', 'bic'], message: 'x' }]),
    ).toEqual([
      { path: 'vendor.iban', message: 'is not a known field (unknown fields are rejected)' },
      { path: 'vendor.bic', message: 'is not a known field (unknown fields are rejected)' },
    ]);
  });
});
