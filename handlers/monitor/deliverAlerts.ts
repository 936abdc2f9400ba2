import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DlqRoute } from '../shared/dlq/DlqRoute.ts';
import { peekDlq } from '../shared/dlq/peekDlq.ts';
import { describeError } from '../shared/errors.ts';
import type { AlertPublisher } from './AlertPublisher.ts';
import { type AlertEvaluation, type AlertTransition, undeliveredTransition } from './evaluateAlerts.ts';
import { formatAlert } from './formatAlert.ts';
import type { NotificationReport } from './MonitorReport.ts';
import type { OpenAlert } from './MonitorState.ts';

export interface DeliverAlertsOptions {
  readonly cellId: string;
  readonly routes: readonly DlqRoute[];
  readonly sqs: SQSClient;
  readonly publisher: AlertPublisher;
  readonly sampleSize: number;
  readonly waitTimeSeconds?: number;
}

/**
 * Sends every transition of an evaluation to its severity topic. An alert that could not be sent is
 * put back as it was (`undeliveredTransition`), so the next run tries again; returns the alerts open
 * after delivery and what was sent.
 */
export async function deliverAlerts(
  evaluation: AlertEvaluation,
  options: DeliverAlertsOptions,
): Promise<{ readonly open: Record<string, OpenAlert>; readonly notifications: NotificationReport[] }> {
  const open = { ...evaluation.open };
  const notifications: NotificationReport[] = [];
  for (const raw of evaluation.transitions) {
    const transition = await withSamples(raw, options);
    const message = formatAlert(transition, options.cellId);
    const sent = { ...summary(transition), subject: message.subject, text: message.text };
    try {
      await options.publisher.publish(transition, message);
      notifications.push({ ...sent, delivered: true });
    } catch (error) {
      undeliveredTransition(open, transition);
      notifications.push({ ...sent, delivered: false, error: describeError(error) });
    }
  }
  return { open, notifications };
}

/** DLQ alerts quote a few invoice ids: looked up (without consuming) only when the alert is sent. */
async function withSamples(transition: AlertTransition, options: DeliverAlertsOptions): Promise<AlertTransition> {
  const { condition } = transition;
  if (condition.kind !== 'dlq' || transition.transition === 'resolved' || condition.sampleInvoiceIds?.length) {
    return transition;
  }
  const route = options.routes.find((r) => r.dlq.name === condition.queue);
  if (!route) return transition;
  try {
    const messages = await peekDlq({
      sqs: options.sqs,
      route,
      limit: options.sampleSize,
      holdSeconds: 10,
      waitTimeSeconds: options.waitTimeSeconds ?? 1,
    });
    const ids = [...new Set(messages.map((m) => m.invoiceId ?? m.eventId ?? m.messageId))];
    return { ...transition, condition: { ...condition, sampleInvoiceIds: ids } };
  } catch {
    // The alert goes out without samples rather than not at all.
    return transition;
  }
}

function summary(transition: AlertTransition) {
  return { transition: transition.transition, severity: transition.severity, key: transition.key };
}
