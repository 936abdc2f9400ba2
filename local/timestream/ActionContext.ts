import type { ActionInput } from '../awsEmulator/index.ts';
import type { TimestreamStore } from './TimestreamStore.ts';

export type { ActionInput };

/** What an action sees besides its input. */
export interface ActionContext {
  readonly store: TimestreamStore;
  readonly nowMs: number;
  /** Host name the client used to reach the emulator (no port); DescribeEndpoints returns it. */
  readonly host: string;
  readonly region: string;
  readonly accountId: string;
}
