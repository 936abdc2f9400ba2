import type { FaultSwitch } from './FaultSwitch.ts';
import type { FirehoseStore } from './FirehoseStore.ts';

/** What an operation sees besides its input. */
export interface ActionContext {
  readonly store: FirehoseStore;
  readonly faults: FaultSwitch;
  readonly nowMs: number;
  readonly region: string;
  readonly accountId: string;
}
