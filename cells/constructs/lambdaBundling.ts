import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/**
 * How every BEMS Lambda function is bundled (ADR 0009): one minified ES module for Node 24 with
 * the SDK inside, built by esbuild's API in `bundleLambda.ts` (CellFunction runs it as the CDK's
 * local bundling). The API, unlike the esbuild command line NodejsFunction runs, takes plugins —
 * and {@link sdkSchemaTreeShaking} is one this build needs.
 */

/**
 * The SDK's default credential chain (SSO, INI, process, web identity, IMDS and their nested
 * clients), replaced in the bundles by what Lambda uses: see `handlers/shared/lambdaCredentialProvider.ts`.
 */
export const CREDENTIAL_CHAIN_PACKAGE = '@aws-sdk/credential-provider-node';
/** Relative to the project root, where esbuild runs. */
export const LAMBDA_CREDENTIAL_PROVIDER = './handlers/shared/lambdaCredentialProvider.ts';
/**
 * The SDK's event-stream support, reached through an `import()` that stops esbuild tree-shaking
 * most of `@smithy/core`; no BEMS operation streams: see `handlers/shared/lambdaEventStreams.ts`.
 */
export const EVENT_STREAMS_PACKAGE = '@smithy/core/event-streams';
export const LAMBDA_EVENT_STREAMS = './handlers/shared/lambdaEventStreams.ts';
/** The esbuild aliases of every Lambda bundle (package → replacement). */
export const LAMBDA_BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  [CREDENTIAL_CHAIN_PACKAGE]: LAMBDA_CREDENTIAL_PROVIDER,
  [EVENT_STREAMS_PACKAGE]: LAMBDA_EVENT_STREAMS,
};

/** The generated schema modules of the SDK's clients (one or more per client). */
export const SDK_SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** A top-level `const _x = "…";` of a generated schema module: the names its keys are built from. */
const STRING_CONSTANT = /^const ([A-Za-z_$][\w$]*) = ("(?:[^"\\\n]|\\.)*");$/gm;
/** A computed key `{ [_x]: …` or `, [_x]: …` in an object literal. */
const COMPUTED_KEY = /([{,]\s*)\[([A-Za-z_$][\w$]*)\]:/g;

/**
 * A generated schema module with each computed key that names one of its own string constants
 * written as that string (`{ [_h]: … }` → `{ "http": … }`): the same objects, property for
 * property. esbuild treats a computed key as a possible side effect (converting a key may call
 * `toString`), so it keeps every operation's schema of a client once one command is imported —
 * 56 kB of S3's in the monitor — and inlines the constant itself only when the string is short.
 * With literal keys the schemas no command reaches are dropped. Keys that name anything else
 * are left as they are.
 */
export function literalSchemaKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) strings.set(name!, literal!);
  return source.replace(COMPUTED_KEY, (computed, before: string, name: string) => {
    const literal = strings.get(name);
    return literal === undefined ? computed : `${before}${literal}:`;
  });
}

/** esbuild plugin: {@link literalSchemaKeys} on every SDK schema module the bundle reaches. */
export const sdkSchemaTreeShaking: Plugin = {
  name: 'bems-sdk-schema-tree-shaking',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMA_MODULE }, async ({ path: file }) => ({
      contents: literalSchemaKeys(await readFile(file, 'utf8')),
      loader: 'js',
      resolveDir: path.dirname(file),
    }));
  },
};

/** CommonJS dependencies bundled into ESM still call require() for Node built-ins. */
export const REQUIRE_SHIM_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** esbuild's options for the bundle of `handlers/<handler>.ts`, written to `outfile`. */
export function lambdaBuildOptions(projectRoot: string, handler: string, outfile: string): BuildOptions {
  return {
    entryPoints: [path.join(projectRoot, 'handlers', `${handler}.ts`)],
    outfile,
    absWorkingDir: projectRoot,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // ESM builds of dependencies first; Powertools and the SDK ship both (esbuild's default order
    // for Node, main first, gives bundles 1.5 × larger).
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_SHIM_BANNER },
    // The SDK goes into the bundle: the version we test with is the version that runs, not whatever
    // the runtime happens to ship this month (ADR 0009). Nothing is external.
    minify: true,
    // Names are not kept: every error class sets its `name` (ours, Powertools', the SDK's), and
    // keeping them costs ~7 % of each bundle in __name wrappers.
    keepNames: false,
    sourcemap: false,
    alias: { ...LAMBDA_BUNDLE_ALIASES },
    plugins: [sdkSchemaTreeShaking],
    tsconfig: path.join(projectRoot, 'tsconfig.json'),
    logLevel: 'warning',
  };
}
