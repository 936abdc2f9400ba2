/**
 * Bundles one handler for Lambda with esbuild's API (plugins included, which the esbuild command
 * line cannot take): what CellFunction's local bundling runs, in a child process because the CDK's
 * bundling hook is synchronous and esbuild's plugins are not. Run by Node 24 itself (type stripping):
 *
 *   node cells/constructs/bundleLambda.ts <project root> <handler> <output file>
 */
import { build } from 'esbuild';
import { lambdaBuildOptions } from './lambdaBundling.ts';

const [projectRoot, handler, outfile] = process.argv.slice(2);
if (!projectRoot || !handler || !outfile) {
  throw new Error('usage: node cells/constructs/bundleLambda.ts <project root> <handler> <output file>');
}
const result = await build(lambdaBuildOptions(projectRoot, handler, outfile));
if (result.errors.length > 0) process.exitCode = 1;
