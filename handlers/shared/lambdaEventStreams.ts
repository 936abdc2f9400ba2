/**
 * Stands in, in the Lambda bundles only, for `@smithy/core/event-streams` (an esbuild alias in
 * `cells/constructs/CellFunction.ts`, like `lambdaCredentialProvider.ts`). The SDK's HTTP protocol
 * reaches event streams through an `import()`, and esbuild — one file, no code splitting — wraps
 * every module that import reaches in a lazy initialiser, which stops it tree-shaking most of
 * `@smithy/core` (≈ 21 kB of each bundle, 6–9 % of the import). No operation a BEMS function calls
 * has an event-stream member (SNS, SQS, DynamoDB, EventBridge, Timestream, Firehose, CloudWatch,
 * SSM, S3 Get/Put/List/DeleteObject), so the bundles carry none: the S3 client still resolves its
 * configuration, and an event stream, were one ever used, fails with this error instead of running.
 * Outside the bundles (local cell, tests, CLI) the SDK's own module runs.
 */
export const EVENT_STREAMS_NOT_BUNDLED =
  'event streams are not in the Lambda bundles (see handlers/shared/lambdaEventStreams.ts and CellFunction.ts)';

function notBundled(): never {
  throw new Error(EVENT_STREAMS_NOT_BUNDLED);
}

/** What the SDK's HTTP protocol builds for an operation with an event stream. */
export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}

/** The marshaller a client's configuration holds (S3's); used only by event-stream operations. */
export const eventStreamSerdeProvider = () => ({ serialize: notBundled, deserialize: notBundled });

/** As the SDK's: the client's `eventStreamMarshaller` from its `eventStreamSerdeProvider`. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
): T & { eventStreamMarshaller: unknown } =>
  Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
