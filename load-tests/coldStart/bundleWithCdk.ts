/**
 * Builds each handler's Lambda bundle exactly as the CDK does: a `CellFunction` per handler in a
 * throw-away app, so the CDK runs that tree's own bundling (esbuild and its options). Run inside the tree
 * to bundle (the cold-start harness copies this file into the base commit's worktree), with that
 * tree's `tsx`:
 *
 *   tsx bundleWithCdk.ts <tree root> <output dir>
 *
 * Prints one JSON line: `{ "ingest": "<dir>/asset.…/index.mjs", … }`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';

export const HANDLERS = ['ingest', 'forward', 'consume', 'monitor'] as const;

const [root, outdir] = process.argv.slice(2);
if (!root || !outdir) throw new Error('usage: bundleWithCdk.ts <tree root> <output dir>');
const { CellFunction } = await import(pathToFileURL(path.join(root, 'cells/constructs/CellFunction.ts')).href);
const app = new App({ outdir });
const stack = new Stack(app, 'ColdStart');
const encryptionKey = new kms.Key(stack, 'Key');
const bundles: Record<string, string> = {};
for (const handler of HANDLERS) {
  const before = new Set(readdirSync(outdir));
  new CellFunction(stack, handler, {
    plan: {
      key: handler,
      handler,
      functionName: `bems-coldstart-${handler}`,
      description: `cold-start probe of ${handler}`,
      eventSources: [],
      timeoutSeconds: 30,
      memoryMiB: 256,
    },
    environment: {},
    encryptionKey,
  });
  // Bundling happens while the function is constructed; the new asset directory holds its bundle.
  const staged = readdirSync(outdir).filter((name) => name.startsWith('asset.') && !before.has(name));
  if (staged.length !== 1) throw new Error(`${handler}: expected one new asset, found ${staged.join(', ') || 'none'}`);
  bundles[handler] = path.join(outdir, staged[0]!, 'index.mjs');
}
console.log(JSON.stringify(bundles));
