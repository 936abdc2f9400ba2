import type { AlertSeverity } from '../../schemas/alerts.ts';
import type { ConditionKind } from './MonitorState.ts';

/**
 * Something wrong that the monitor saw in this run. The key names the condition across runs:
 * `dlq:<dlq name>`, `parked:<dlq name>`, `backlog:<queue name>`, `sla:<stage>`, `monitor:<check>`.
 */
export interface Condition {
  readonly key: string;
  readonly kind: ConditionKind;
  readonly severity: AlertSeverity;
  readonly stage?: string;
  readonly consumer?: string;
  /** The queue concerned (the DLQ for `dlq` and `parked`, the source queue for `backlog`). */
  readonly queue?: string;
  /** Messages (dlq, backlog), parked messages, or stuck invoices (sla). */
  readonly count: number;
  readonly oldestAgeSeconds: number | null;
  readonly sampleInvoiceIds?: readonly string[];
  /** One sentence of context, e.g. why automatic redrive held back. */
  readonly detail?: string;
}

export const conditionKeys = {
  dlq: (dlqName: string) => `dlq:${dlqName}`,
  parked: (dlqName: string) => `parked:${dlqName}`,
  backlog: (queueName: string) => `backlog:${queueName}`,
  sla: (stage: string) => `sla:${stage}`,
  monitor: (check: string) => `monitor:${check}`,
} as const;
