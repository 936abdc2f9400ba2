import type { Context } from 'aws-lambda';

/** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]` */
const FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:(\d{12}):function:[^:]+(?::[^:]+)?$/;

/**
 * The AWS account the function runs in, as the invocation's own ARN names it
 * (`context.invokedFunctionArn`). Lambda fills it in on every invocation, so no API call and no
 * environment variable is needed, and it cannot disagree with where the function really runs; the
 * local cell builds its contexts with the same ARN from the cell definition's account.
 *
 * `undefined` without a context (a handler called directly, as tests do) or with an ARN of another
 * shape: then the caller records no account rather than a guessed one.
 *
 * @example accountOfInvocation({ invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bems-euw1-a-ingest' }) // '123456789012'
 */
export function accountOfInvocation(context: Pick<Context, 'invokedFunctionArn'> | undefined): string | undefined {
  return context?.invokedFunctionArn?.match(FUNCTION_ARN)?.[1];
}
