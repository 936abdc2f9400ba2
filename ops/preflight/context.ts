import type { CellDefinition } from '../../cells/definition.ts';
import type { CellNeeds } from './cellNeeds.ts';
import type { PreflightClients } from './clients.ts';

/** What every check gets: the cell, where it is checked, its needs, and the clients. */
export interface PreflightContext {
  readonly cell: CellDefinition;
  /** The Region checked: `--region`, else the cell's. */
  readonly region: string;
  readonly profile?: string;
  readonly needs: CellNeeds;
  /** Cells of the config in the same account and Region (this one first). */
  readonly sharing: readonly CellDefinition[];
  readonly clients: PreflightClients;
  /** How the governance stack gets its Config recorder. @default the cells config's (`configRecorderMode`) */
  readonly configRecorder?: 'existing' | 'create';
}
