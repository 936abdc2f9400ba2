/**
 * Child-process entry of the load generator: `node --import tsx load-tests/loadWorker.ts '<LoadOptions JSON>'`
 * prints one LoadResult JSON line on stdout. Started by runLoadInChild.ts.
 */
import { type LoadOptions, runLoad } from './loadGenerator.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const result = await runLoad(options);
process.stdout.write(`${JSON.stringify(result)}\n`);
