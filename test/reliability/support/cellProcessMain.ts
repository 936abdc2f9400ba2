/**
 * Child-process entry of the SIGKILL scenario: runs one local cell on the data directory given as
 * the first argument (cell definition JSON as the second) and reports its addresses as one JSON
 * line on stdout. SIGTERM stops it gracefully; SIGKILL is what the scenario is about.
 */
import type { CellDefinition } from '../../../cells/definition.ts';
import { startLocalCell } from '../../../local/cell/index.ts';

export interface CellProcessReady {
  readonly pid: number;
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly sqsEndpoint: string;
  readonly queues: readonly { readonly name: string; readonly url: string }[];
}

const [dataDir, definitionJson] = process.argv.slice(2);
if (!dataDir || !definitionJson) {
  process.stderr.write('usage: cellProcessMain.ts <dataDir> <cell definition JSON>\n');
  process.exit(2);
}
const cell = await startLocalCell({
  port: 0,
  dataDir,
  cell: JSON.parse(definitionJson) as CellDefinition,
  quiet: true,
});
const ready: CellProcessReady = {
  pid: process.pid,
  apiUrl: cell.apiUrl,
  apiKey: cell.apiKey,
  sqsEndpoint: cell.endpoints.sqs,
  queues: cell.resources.queues.map(({ name, url }) => ({ name, url })),
};
process.stdout.write(`${JSON.stringify(ready)}\n`);
process.once('SIGTERM', () => {
  cell.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
