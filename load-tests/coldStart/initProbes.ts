/**
 * Side measurements behind docs/PERFORMANCE.md, "Lambda cold starts" (what `npm run coldstart`
 * does not answer):
 *
 *   npx tsx load-tests/coldStart/initProbes.ts [--runs 15]
 *
 * - **esbuild options**: each function's bundle size with CellFunction's options and with one
 *   option changed (esbuild's API, same entry points, alias and banner as the CDK passes);
 * - **Node built-ins** the bundles import at init: load time of each as a fresh process's first
 *   import, and what building an `Intl.DisplayNames` of regions costs (schemas/country.ts did at import);
 * - **the module compile cache** (`NODE_COMPILE_CACHE`): import time of the ingest bundle without
 *   and with a cache this machine wrote, interleaved, and the cache directory's name (what it is keyed on).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type BuildOptions, build } from 'esbuild';
import { PROJECT_ROOT } from '../../cells/constructs/CellFunction.ts';
import { lambdaBuildOptions } from '../../cells/constructs/lambdaBundling.ts';
import { percentiles } from '../percentiles.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
/** As bundleWithCdk.ts builds them (importing it would run it). */
const HANDLERS = ['ingest', 'forward', 'consume', 'monitor'] as const;

/** CellFunction's esbuild options for one handler (`cells/constructs/lambdaBundling.ts`), in memory. */
function cellFunctionOptions(handler: string): BuildOptions {
  return { ...lambdaBuildOptions(PROJECT_ROOT, handler, path.join(PROJECT_ROOT, `${handler}.mjs`)), write: false };
}
const VARIANTS: Record<string, BuildOptions> = {
  'CellFunction (as deployed)': {},
  'mainFields: esbuild default (main before module)': { mainFields: ['main', 'module'] },
  "conditions: ['module']": { conditions: ['module'] },
  'target: es2020': { target: 'es2020' },
  "legalComments: 'none'": { legalComments: 'none' },
  "charset: 'utf8'": { charset: 'utf8' },
};

const work = mkdtempSync(path.join(tmpdir(), 'bems-initprobes-'));
try {
  console.log('esbuild option | ingest kB | forward kB | consume kB | monitor kB');
  let ingestBundle = '';
  for (const [name, change] of Object.entries(VARIANTS)) {
    const sizes: string[] = [];
    for (const handler of HANDLERS) {
      const result = await build({ ...cellFunctionOptions(handler), ...change });
      const output = result.outputFiles?.[0];
      if (!output) throw new Error(`${handler}: esbuild wrote nothing`);
      sizes.push((output.contents.length / 1000).toFixed(0));
      if (handler === 'ingest' && !ingestBundle) {
        ingestBundle = path.join(work, 'ingest.mjs');
        await build({ ...cellFunctionOptions('ingest'), write: true, outfile: ingestBundle });
      }
    }
    console.log(`${name} | ${sizes.join(' | ')}`);
  }
  builtIns();
  compileCache(ingestBundle, path.join(work, 'cache'));
} finally {
  rmSync(work, { recursive: true, force: true });
}

function importMs(script: string, env: Record<string, string> = {}): number {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`probe failed: ${child.stderr.slice(-500)}`);
  return Number(child.stdout.trim().split('\n').at(-1));
}

function builtIns(): void {
  const modules = ['async_hooks', 'events', 'crypto', 'dgram', 'fs', 'os', 'path', 'stream', 'zlib', 'https'];
  const samples = new Map(modules.map((m) => [m, [] as number[]]));
  for (let run = 0; run < runs; run++) {
    for (const m of modules) {
      samples
        .get(m)!
        .push(importMs(`const t = performance.now(); await import('node:${m}'); console.log(performance.now() - t);`));
    }
  }
  console.log('\nNode built-in (alone, fresh process) | import p50 ms');
  for (const [m, values] of samples) console.log(`node:${m} | ${percentiles(values).p50.toFixed(1)}`);
  // What schemas/country.ts did at import before the generated list: ICU's region names.
  const icu = Array.from({ length: runs }, () =>
    importMs(
      "const t = performance.now(); new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }).of('DE'); console.log(performance.now() - t);",
    ),
  );
  const { p50, p95 } = percentiles(icu);
  console.log(`new Intl.DisplayNames (region), fresh process | p50 ${p50.toFixed(1)}, p95 ${p95.toFixed(1)}`);
}

function compileCache(bundle: string, cacheDir: string): void {
  const probe = `const t = performance.now(); await import(${JSON.stringify(`file://${bundle}`)}); console.log(performance.now() - t);`;
  importMs(probe, { NODE_COMPILE_CACHE: cacheDir }); // writes the cache
  const without: number[] = [];
  const withCache: number[] = [];
  for (let run = 0; run < runs; run++) {
    without.push(importMs(probe));
    withCache.push(importMs(probe, { NODE_COMPILE_CACHE: cacheDir }));
  }
  const [a, b] = [percentiles(without).p50, percentiles(withCache).p50];
  console.log(
    `\ncompile cache: ingest import p50 ${a.toFixed(1)} ms without, ${b.toFixed(1)} ms with (${(b / a).toFixed(2)}×)`,
  );
  console.log(`cache directory: ${readdirSync(cacheDir).join(', ')} (Node version, architecture, V8 flags hash)`);
}
