import { fromQueryParams } from './fromQueryParams.ts';
import { toQueryError, toQueryResponse } from './toQueryResponse.ts';

export interface QueryAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export const QUERY_CONTENT_TYPE = 'text/xml';

/**
 * Answers an SQS query-protocol request by asking fauxqs (at `endpoint`) the same operation in the
 * JSON protocol and writing its answer as the query protocol's XML. The signature is passed on:
 * fauxqs reads the Region from its credential scope.
 */
export async function answerSqsQuery(
  endpoint: string,
  params: URLSearchParams,
  authorization: string | undefined,
): Promise<QueryAnswer> {
  const action = params.get('Action') ?? '';
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify(fromQueryParams(params)),
  });
  const text = await response.text();
  const output = parseObject(text);
  if (response.ok) return { status: 200, contentType: QUERY_CONTENT_TYPE, body: toQueryResponse(action, output ?? {}) };
  return {
    status: response.status,
    contentType: QUERY_CONTENT_TYPE,
    body: toQueryError(queryError(response, output, text)),
  };
}

/**
 * The query-protocol code of a JSON error: SQS (and fauxqs) send it in `x-amzn-query-error` as
 * `AWS.SimpleQueueService.NonExistentQueue;Sender`; without it, the JSON error type's name.
 */
function queryError(response: Response, output: Record<string, unknown> | undefined, text: string) {
  const [code, fault] = (response.headers.get('x-amzn-query-error') ?? '').split(';');
  const type = String(output?.__type ?? '');
  return {
    code: code || type.slice(type.indexOf('#') + 1) || (response.status >= 500 ? 'InternalFailure' : 'InvalidRequest'),
    type: fault === 'Receiver' || (!fault && response.status >= 500) ? ('Receiver' as const) : ('Sender' as const),
    message: String(output?.message ?? output?.Message ?? text),
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
