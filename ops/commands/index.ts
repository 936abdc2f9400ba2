import type { Command } from './Command.ts';

export type { Command, CommandIo } from './Command.ts';

export interface CommandEntry {
  readonly summary: string;
  /** Loaded on use, so `bems cost` does not pay for the AWS SDKs other commands import. */
  readonly load: () => Promise<{ readonly command: Command }>;
}

/** Every `bems` sub-command: add a file under `ops/commands/` exporting `command`, then one line here. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  cost: { summary: 'estimate the monthly AWS cost of one cell', load: () => import('./cost.ts') },
};
