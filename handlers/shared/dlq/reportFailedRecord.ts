import { FAILURE_MESSAGE_MAX, failureKey, failureRoute } from '../../../schemas/failureRecord.ts';
import { describeError, FAILURE_KINDS, HandlerError } from '../errors.ts';
import type { RequestLogger } from '../observability.ts';
import type { FailureReport, FailureStore } from './FailureStore.ts';

/** One record a function failed, with what its log line and failure record name. */
export interface FailedRecord {
  readonly messageId: string;
  readonly eventId?: string;
  readonly invoiceId?: string;
  readonly stage: string;
  /** The consumer; absent for a stage inbox (forward). */
  readonly consumer?: string;
  /** SQS ApproximateReceiveCount of this delivery. */
  readonly attempt: number;
  readonly error: unknown;
}

/**
 * Reports each failed record once: one structured log line (warn for a transient failure that a
 * later delivery may get past, error for a permanent one) with invoiceId, eventId, stage, consumer,
 * attempt and the error, and its failure record, so `bems dlq peek` can say why a message is in its
 * DLQ. The failure record is best effort: a failure to write it is logged and never changes what
 * happens to the message.
 */
export async function reportFailedRecords(
  failures: readonly FailedRecord[],
  context: { readonly log: RequestLogger; readonly store?: FailureStore; readonly now?: () => number },
): Promise<void> {
  const nowMs = (context.now ?? Date.now)();
  await Promise.all(
    failures.map(async (failure) => {
      const report = failureReport(failure);
      const transient = report.kind === FAILURE_KINDS.transient;
      (transient ? context.log.warn : context.log.error).call(context.log, 'record failed', {
        messageId: failure.messageId,
        eventId: failure.eventId ?? null,
        invoiceId: failure.invoiceId ?? null,
        stage: failure.stage,
        consumer: failure.consumer ?? null,
        route: report.route,
        attempt: failure.attempt,
        kind: report.kind,
        errorClass: report.errorClass,
        error: report.errorMessage,
      });
      if (!context.store) return;
      try {
        await context.store.record(report, nowMs);
      } catch (error) {
        context.log.warn('failure record not written', {
          eventId: report.eventId,
          route: report.route,
          error: describeError(error),
        });
      }
    }),
  );
}

/** The failure record of a failed record. Errors that say nothing of their kind count as transient. */
export function failureReport(failure: FailedRecord): FailureReport {
  const error = failure.error;
  const errorClass = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return {
    eventId: failureKey(failure.eventId, failure.messageId),
    route: failureRoute(failure.stage, failure.consumer),
    stage: failure.stage,
    ...(failure.consumer !== undefined ? { consumer: failure.consumer } : {}),
    ...(failure.invoiceId !== undefined ? { invoiceId: failure.invoiceId } : {}),
    messageId: failure.messageId,
    errorClass,
    errorMessage: message.slice(0, FAILURE_MESSAGE_MAX),
    kind: error instanceof HandlerError ? error.kind : FAILURE_KINDS.transient,
    attempt: Math.max(1, Math.trunc(failure.attempt) || 1),
  };
}
