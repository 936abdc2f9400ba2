import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { MonitorStateStore, QueueStatsSource, StuckInvoiceSource } from '../../handlers/monitor/index.ts';
import type { FailureStore, ParkedStore } from '../../handlers/shared/dlq/index.ts';
import type { MonitorTopology, RedrivePolicy } from '../../schemas/monitorTopology.ts';
import type { Stage } from '../../schemas/stages.ts';
import type { ReplayCounter } from '../replay/ReplayCounter.ts';

/** One line per component for `bems status`. */
export interface ComponentStatus {
  readonly name: string;
  readonly state: string;
  readonly detail?: string;
}

/**
 * The cell a command acts on — the running local cell or a deployed AWS cell — with real AWS SDK
 * clients pointed at it. Commands never ask which kind it is, except to say so to the operator and
 * to offer what only AWS has (StartMessageMoveTask).
 */
export interface CellTarget {
  readonly kind: 'local' | 'aws';
  readonly cellId: string;
  readonly region: string;
  /** The cell role assumed to reach it (cellSession.ts), when one was. */
  readonly roleArn?: string;
  /** For people: where the cell is. */
  readonly description: string;
  readonly topology: MonitorTopology;
  readonly redrive: RedrivePolicy;
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
  readonly queueStats: QueueStatsSource;
  readonly stuckInvoices?: StuckInvoiceSource;
  /** Why there is no SLA check, when `stuckInvoices` is absent. */
  readonly stuckInvoicesUnavailableReason?: string;
  /** Parked DLQ messages and the audit trail: the cell's S3 bucket, or the local data directory. */
  readonly parkedStore: ParkedStore;
  /** Why each failed record failed (`dlq peek`, `dlq park`); absent when the cell publishes no table. */
  readonly failures?: FailureStore;
  /**
   * Who runs the command, for parked messages and audit records: `BEMS_OPERATOR`, else the AWS
   * caller's ARN (AWS), else the local user.
   */
  operator(): Promise<string>;
  /** What a replay of a window sends and what of it is recorded (`bems replay` before and after). */
  readonly replayCounter: ReplayCounter;
  /** The monitor's alert state, to show open alerts. */
  readonly monitorState?: MonitorStateStore;
  readonly bus: { readonly name: string; readonly arn: string };
  readonly archive: { readonly name: string; readonly arn: string };
  /** ARN of the stage rule, to replay one stage only. */
  ruleArn(stage: Stage): string;
  /** Components and their state (the local cell's health); empty when the target cannot tell. */
  components(): Promise<ComponentStatus[]>;
  /** Long-poll wait of DLQ receives: 0 locally (the emulator answers exactly), 1 s on AWS. */
  readonly waitTimeSeconds: number;
  /** How often replay progress is polled. */
  readonly pollMs: number;
  /** StartMessageMoveTask exists (AWS only). */
  readonly supportsMoveTask: boolean;
  close(): void;
}
