// Bundles the Fargate poller runtime (main.ts with the consume handler and the AWS SDK) into one ES
// module for Node 24, as the Lambda functions are bundled (cells/constructs/CellFunction.ts). The
// Dockerfile runs it; test/infra/fargateConsumer.test.ts runs it too and starts the bundle.
//   node runtimes/fargatePoller/build.mjs <outfile>
import path from 'node:path';
import { build } from 'esbuild';
import { nodeBundleOptions } from '../nodeBundle.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const outfile = path.resolve(process.argv[2] ?? path.join(root, 'runtimes', 'fargatePoller', 'dist', 'poller.mjs'));

await build({
  ...nodeBundleOptions(root),
  entryPoints: [path.join(root, 'runtimes', 'fargatePoller', 'main.ts')],
  outfile,
});
