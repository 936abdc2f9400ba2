import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_CELL } from '../../cells/cells.config.ts';
import { type CellDefinition, type CellDefinitionInput, parseCellDefinition } from '../../cells/definition.ts';
import { type LocalCellOptions, type RunningLocalCell, startLocalCell } from '../../local/cell/index.ts';

type ApiClientInput = NonNullable<CellDefinitionInput['apiClients']>[number];

/** The local cell's definition with more API clients beside its development key. */
export function localCellWithClients(...clients: ApiClientInput[]): CellDefinition {
  return parseCellDefinition({ ...LOCAL_CELL, apiClients: [...(LOCAL_CELL.apiClients ?? []), ...clients] });
}

/**
 * A local cell as the integration suites start it: any free port, quiet, no scheduled monitor run,
 * in a fresh temporary data directory (named after `prefix`) that the caller removes.
 */
export async function startTestCell(
  prefix: string,
  cell: CellDefinition,
  options: Partial<LocalCellOptions> = {},
): Promise<{ cell: RunningLocalCell; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const running = await startLocalCell({ port: 0, dataDir, quiet: true, monitorIntervalMs: 0, cell, ...options });
  return { cell: running, dataDir };
}
