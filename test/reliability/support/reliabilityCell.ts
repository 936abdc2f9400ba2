import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_CELL } from '../../../cells/cells.config.ts';
import { type CellDefinition, type CellDefinitionInput, parseCellDefinition } from '../../../cells/definition.ts';
import { type FaultRule, type RunningLocalCell, startLocalCell } from '../../../local/cell/index.ts';
import { STAGES } from '../../../schemas/stages.ts';

/** Queue settings of the scenarios' cell: the production shape, on a clock fast enough for CI. */
export interface ReliabilityQueueSettings {
  /** @default 3 */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 4 */
  readonly maxReceiveCount?: number;
}

/**
 * The local cell with short visibility timeouts (a failed message is back within seconds, not a
 * minute) and a few receives before the DLQ, so a scenario sees retries, redeliveries and DLQs
 * within a CI budget. Everything else is the local cell's definition.
 */
export function reliabilityCell(
  settings: ReliabilityQueueSettings = {},
  extra: Partial<CellDefinitionInput> = {},
): CellDefinition {
  const queue = {
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds ?? 3,
    maxReceiveCount: settings.maxReceiveCount ?? 4,
  };
  return parseCellDefinition({
    ...LOCAL_CELL,
    apiClients: [{ ...LOCAL_CELL.apiClients[0]!, rateLimit: 100_000, burstLimit: 100_000 }],
    stages: Object.fromEntries(
      STAGES.map((stage) => [
        stage,
        { inbox: { ...queue, batchSize: 10, batchingWindowSeconds: 0 }, consumers: [{ name: 'recorder', queue }] },
      ]),
    ),
    ...extra,
  });
}

export interface StartedCell {
  readonly cell: RunningLocalCell;
  readonly dataDir: string;
  /** Stops the cell and deletes its data directory. */
  dispose(): Promise<void>;
}

/**
 * Where scenario data directories go: `BEMS_RELIABILITY_DATA_ROOT`, else /dev/shm when it exists.
 * The cell's stores are SQLite on the event loop's thread, and on this class of machine an fsync
 * costs ~3 ms of disk wait; several cells in one process then spend their time blocked in fsync,
 * not testing. Memory-backed files change nothing the scenarios check: a killed process (SIGKILL)
 * leaves the same files behind on tmpfs as on disk; only an OS crash would not, and none is simulated.
 */
export function scenarioDataRoot(): string {
  const configured = process.env.BEMS_RELIABILITY_DATA_ROOT;
  if (configured) return configured;
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** Starts a cell on a fresh data directory, port 0, loopback only. */
export async function startReliabilityCell(
  name: string,
  definition: CellDefinition,
  faults: readonly FaultRule[] = [],
): Promise<StartedCell> {
  const dataDir = mkdtempSync(join(scenarioDataRoot(), `bems-reliability-${name}-`));
  const cell = await startLocalCell({ port: 0, host: '127.0.0.1', dataDir, cell: definition, faults, quiet: true });
  return {
    cell,
    dataDir,
    dispose: async () => {
      await cell.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
