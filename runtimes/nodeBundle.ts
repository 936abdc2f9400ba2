import path from 'node:path';
import type { BuildOptions } from 'esbuild';

/**
 * esbuild's options for one ES module for Node 24 with its dependencies inside, as the Lambda
 * functions are bundled (cells/constructs/lambdaBundling.ts, which cells/ may not import from
 * here) except that names are kept and no Lambda-only alias or plugin applies. The Fargate poller
 * image (fargatePoller/build.mjs, run by plain Node, which strips this file's types) uses it.
 */
export function nodeBundleOptions(projectRoot: string): BuildOptions {
  return {
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
    tsconfig: path.join(projectRoot, 'tsconfig.json'),
    logLevel: 'warning',
  };
}
