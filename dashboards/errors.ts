import { ERROR_CODES, type ErrorCode, type FieldIssue } from '../schemas/errorResponse.ts';

/** Errors of the dashboard query layer. Each one crosses HTTP with a stable code and status. */
export class DashboardError extends Error {
  readonly code: ErrorCode;
  readonly status: 400 | 404 | 500;

  constructor(code: ErrorCode, status: 400 | 404 | 500, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DashboardError';
    this.code = code;
    this.status = status;
  }
}

/** A query parameter a client can fix (bad date, unknown bucket, range too long). */
export class DashboardQueryError extends DashboardError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[], options?: ErrorOptions) {
    super(
      ERROR_CODES.validationFailed,
      400,
      `${issues.length} problem${issues.length === 1 ? '' : 's'} in the query parameters`,
      options,
    );
    this.name = 'DashboardQueryError';
    this.issues = issues;
  }
}

export class UnknownViewError extends DashboardError {
  constructor(
    readonly view: string,
    known: readonly string[],
    options?: ErrorOptions,
  ) {
    super(ERROR_CODES.notFound, 404, `no dashboard view "${view}"; known views: ${known.join(', ')}`, options);
    this.name = 'UnknownViewError';
  }
}

export class InvoiceNotFoundError extends DashboardError {
  constructor(
    readonly invoiceId: string,
    options?: ErrorOptions,
  ) {
    super(ERROR_CODES.notFound, 404, `no recorded events for invoice "${invoiceId}"`, options);
    this.name = 'InvoiceNotFoundError';
  }
}
