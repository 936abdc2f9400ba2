import type { ActionInput } from '../awsEmulator/index.ts';
import type { TimestreamStore } from './TimestreamStore.ts';

export type { ActionInput };

/** What an action sees besides its input. */
export interface ActionContext {
  readonly store: TimestreamStore;
  readonly nowMs: number;
  /** The host name DescribeEndpoints answers (no scheme, no port): see `advertisedEndpoint`. */
  readonly advertisedHost: string;
  readonly region: string;
  readonly accountId: string;
}
