import type { AccessLevel } from '../target/index.ts';
import type { Command } from './Command.ts';

export type { Command, CommandIo } from './Command.ts';

export interface CommandEntry {
  readonly summary: string;
  /** Loaded on use, so `bems cost` does not pay for the AWS SDKs other commands import. */
  readonly load: () => Promise<{ readonly command: Command }>;
  /** Ctrl-C asks the command to stop after its current step (instead of killing the process). */
  readonly interruptible?: boolean;
  /** The cell role it needs when a deployed cell is reached across accounts. @default 'operator' */
  readonly access?: AccessLevel;
}

/** Every `bems` sub-command: add a file under `ops/commands/` exporting `command`, then one line here. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  status: {
    summary: "the cell's components, queues, DLQs, SLA breaches and open alerts",
    load: () => import('./status.ts'),
    access: 'readonly',
  },
  dlq: {
    summary: 'list DLQs, peek at their messages and why they failed, park poison messages, discard parked ones',
    load: () => import('./dlq.ts'),
    interruptible: true,
  },
  parked: {
    summary: 'list, show and restore parked DLQ messages, and their audit trail',
    load: () => import('./parked.ts'),
  },
  redrive: {
    summary: "move a stage's DLQ messages back to their queues (selective, rate-limited, resumable)",
    load: () => import('./redrive.ts'),
    interruptible: true,
  },
  replay: {
    summary: 'replay a time window from the bus archive (rebuilds lost records)',
    load: () => import('./replay.ts'),
    interruptible: true,
  },
  fault: {
    summary: "add, list or clear the running local cell's fault rules (no restart)",
    load: () => import('./fault.ts'),
  },
  preflight: {
    summary: 'check an AWS account and Region before deploying a cell (read-only)',
    load: () => import('./preflight.ts'),
  },
  cost: { summary: 'estimate the monthly AWS cost of one cell', load: () => import('./cost.ts') },
};
