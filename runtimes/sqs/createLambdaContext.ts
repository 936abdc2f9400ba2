import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaFunctionInfo {
  /** e.g. `bems-local-consume-recorder` */
  readonly functionName: string;
  readonly region: string;
  readonly account: string;
  /** The function timeout; `getRemainingTimeInMillis` counts down from it. */
  readonly timeoutMs: number;
  readonly memoryLimitInMB?: number;
}

/**
 * The Lambda `Context` of one invocation. Handlers (and Powertools) read the request id, function
 * name and remaining time from it, exactly as on AWS.
 */
export function createLambdaContext(fn: LambdaFunctionInfo, requestId: string = randomUUID()): Context {
  const deadline = Date.now() + fn.timeoutMs;
  const unsupported = () => {
    throw new Error('the callback-style context methods are not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.account}:function:${fn.functionName}`,
    memoryLimitInMB: String(fn.memoryLimitInMB ?? 512),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `local/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
