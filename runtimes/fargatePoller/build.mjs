// Bundles the Fargate poller runtime (main.ts with the consume handler and the AWS SDK) into one ES
// module for Node 24, as the Lambda functions are bundled (cells/constructs/CellFunction.ts). The
// Dockerfile runs it; test/infra/fargateConsumer.test.ts runs it too and starts the bundle.
//   node runtimes/fargatePoller/build.mjs <outfile>
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..', '..');
const outfile = path.resolve(process.argv[2] ?? path.join(root, 'runtimes', 'fargatePoller', 'dist', 'poller.mjs'));

await build({
  entryPoints: [path.join(root, 'runtimes', 'fargatePoller', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // ESM builds of dependencies first; Powertools and the SDK ship both.
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  minify: true,
  keepNames: true,
  tsconfig: path.join(root, 'tsconfig.json'),
  logLevel: 'warning',
});
