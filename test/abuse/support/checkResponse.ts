import { AcceptedResponseSchema, ErrorResponseSchema } from '../../../schemas/errorResponse.ts';
import type { FuzzCase } from './fuzzCases.ts';

/** What one answer was, in the terms the suite reports. */
export interface CheckedResponse {
  readonly status: number;
  /** Contract violations; empty when the answer is what the contract says. */
  readonly problems: readonly string[];
  /** Events a 202 accepted, with their stage. */
  readonly accepted?: { readonly stage: string; readonly eventIds: readonly string[] };
}

/**
 * The oracle: never a 5xx; the status the contract gives this kind of request; a 202 lists exactly
 * the request's eventIds; every 4xx carries a useful ErrorResponse (a stable code, a message, and
 * the field paths of validation problems). HEAD answers and redirects carry no body to check.
 */
export async function checkResponse(fuzzCase: FuzzCase, status: number, bodyText: string): Promise<CheckedResponse> {
  const problems: string[] = [];
  const { expected } = fuzzCase;
  if (status >= 500) problems.push(`answered ${status}`);
  const allowed = expected.status === 202 ? [202] : expected.status;
  if (!allowed.includes(status)) problems.push(`answered ${status}, expected ${allowed.join(' or ')}`);
  const hasBody = fuzzCase.method !== 'HEAD' && status !== 301 && status !== 304;
  let accepted: CheckedResponse['accepted'];

  if (status === 202) {
    const parsed = AcceptedResponseSchema.safeParse(parseJson(bodyText));
    if (!parsed.success) problems.push(`202 body is not an AcceptedResponse: ${bodyText.slice(0, 200)}`);
    else {
      accepted = { stage: expected.status === 202 ? expected.stage : '?', eventIds: parsed.data.accepted };
      if (expected.status === 202 && parsed.data.accepted.join() !== expected.eventIds.join())
        problems.push(`202 accepted ${parsed.data.accepted.join()} instead of ${expected.eventIds.join()}`);
    }
  } else if (status >= 400 && hasBody) {
    const parsed = ErrorResponseSchema.safeParse(parseJson(bodyText));
    if (!parsed.success)
      problems.push(`${status} body is not an ErrorResponse: ${JSON.stringify(bodyText.slice(0, 200))}`);
    else {
      const { code, message, issues } = parsed.data;
      if (!code || !message.trim()) problems.push(`${status} body has an empty code or message`);
      if (expected.status !== 202 && expected.codes && !expected.codes.includes(code))
        problems.push(`code ${code}, expected ${expected.codes.join(' or ')}`);
      if (expected.status !== 202 && expected.issuePaths) {
        const reported = new Set((issues ?? []).map((issue) => issue.path));
        const missing = expected.issuePaths.filter((path) => !reported.has(path));
        if (missing.length > 0)
          problems.push(`issues miss ${missing.join(', ')} (reported: ${[...reported].join(', ') || 'none'})`);
        if ((issues ?? []).some((issue) => !issue.message.trim())) problems.push('an issue has an empty message');
      }
    }
  }
  return { status, problems, ...(accepted ? { accepted } : {}) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
