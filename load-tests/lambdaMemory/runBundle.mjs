// One Lambda bundle in a fresh Node process, as the Lambda runtime runs it: imports the esbuild
// bundle, invokes its `handler` with each event of EVENTS_FILE in turn (one invocation at a time, as
// one execution environment does) and prints one JSON line: max resident memory (what Lambda's
// REPORT line calls "Max Memory Used"), init time, invocations and failures. Plain JavaScript, so
// no TypeScript loader adds to the memory measured. Started by load-tests/lambdaMemory.ts.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const { BUNDLE, EVENTS_FILE, FUNCTION_NAME, FUNCTION_ARN, MEMORY_MIB } = process.env;
const events = JSON.parse(readFileSync(EVENTS_FILE, 'utf8'));
const initStarted = performance.now();
const { handler } = await import(pathToFileURL(BUNDLE).href);
const initMs = performance.now() - initStarted;
let failures = 0;
let firstError;
const started = performance.now();
for (const event of events) {
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: FUNCTION_ARN,
    memoryLimitInMB: MEMORY_MIB,
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
    logStreamName: 'memory-harness',
    getRemainingTimeInMillis: () => 30_000,
  };
  try {
    const result = await handler(event, context);
    const status = result?.statusCode;
    const partial = result?.batchItemFailures?.length ?? 0;
    if ((status !== undefined && status >= 300) || partial > 0) {
      failures += 1;
      firstError ??= JSON.stringify(result).slice(0, 300);
    }
  } catch (error) {
    failures += 1;
    firstError ??= String(error?.stack ?? error).slice(0, 300);
  }
}
const invokeMs = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
    initMs,
    msPerInvocation: invokeMs / events.length,
    invocations: events.length,
    failures,
    firstError,
  })}\n`,
);
process.exit(0);
