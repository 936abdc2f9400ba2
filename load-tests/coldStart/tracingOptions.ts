import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatNumber, formatTable } from '../../ops/formatTable.ts';
import type { BaseTree } from './baseTree.ts';
import { figures } from './compareBundles.ts';
import { type InitSample, lambdaLikeEnvironment, measureInit } from './measureInit.ts';

/**
 * The tracing options of ADR 0019, measured alone: a bundle that only sets up tracing, built and
 * loaded like a handler's bundle, against an empty one (Node's own start).
 * - X-Ray SDK: Powertools Tracer as the base commit uses it (its packages come from the base tree).
 * - OpenTelemetry in the bundle: `createTracing` of handlers/shared/tracing, tracing on.
 * - ADOT (`--adot`): the AWS Distro's Node auto-instrumentation (what its Lambda layer's wrapper
 *   preloads with `--require`) installed from npm, in front of each current handler bundle.
 */
export const ADOT_PACKAGE = '@aws/aws-distro-opentelemetry-node-autoinstrumentation@0.13.0';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ESBUILD_FLAGS = [
  '--bundle',
  '--platform=node',
  '--format=esm',
  '--target=node24',
  '--minify',
  '--main-fields=module,main',
  "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  '--log-level=warning',
];

const ENTRIES = {
  empty: 'export const handler = async () => 1;\n',
  xray:
    "import { Tracer } from '@aws-lambda-powertools/tracer';\n" +
    "const tracer = new Tracer({ serviceName: 'probe', captureHTTPsRequests: false });\n" +
    'export const handler = async () => tracer.isTracingEnabled();\n',
  otel:
    `import { createTracing } from ${JSON.stringify(path.join(ROOT, 'handlers/shared/tracing/Tracing.ts'))};\n` +
    "const tracing = createTracing({ serviceName: 'probe', enabled: true, endpoint: '127.0.0.1:2000' });\n" +
    'export const handler = async () => tracing.enabled;\n',
} as const;

export interface TracingOptionsInput {
  readonly base: BaseTree;
  readonly work: string;
  readonly runs: number;
  readonly adot: boolean;
  readonly currentBundles: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

interface OptionRow {
  readonly option: string;
  readonly bytes: number | undefined;
  readonly samples: InitSample[];
}

export async function measureTracingOptions(input: TracingOptionsInput) {
  const dir = path.join(input.work, 'tracing');
  mkdirSync(dir, { recursive: true });
  const bundles = {
    empty: build('empty', ROOT, dir),
    xray: build('xray', input.base.root, dir),
    otel: build('otel', ROOT, dir),
  };
  const env = lambdaLikeEnvironment('bems-coldstart-tracing');
  const rows: OptionRow[] = [
    { option: 'nothing (Node start)', bytes: statSync(bundles.empty).size, samples: [] },
    { option: 'X-Ray SDK (Powertools Tracer), in the bundle', bytes: statSync(bundles.xray).size, samples: [] },
    { option: 'OpenTelemetry SDK + OTLP/UDP, in the bundle', bytes: statSync(bundles.otel).size, samples: [] },
  ];
  const files = [bundles.empty, bundles.xray, bundles.otel];
  for (const file of files) await measureInit(file, env);
  for (let run = 0; run < input.runs; run++) {
    for (const [i, file] of files.entries()) rows[i]!.samples.push(await measureInit(file, env));
  }
  input.log('tracing options measured');
  const adot = input.adot ? await measureAdot(input, env) : [];
  return render([...rows, ...adot]);
}

async function measureAdot(input: TracingOptionsInput, env: Record<string, string>): Promise<OptionRow[]> {
  const prefix = path.join(input.work, 'adot');
  mkdirSync(prefix, { recursive: true });
  writeFileSync(path.join(prefix, 'package.json'), '{"name":"adot-probe","private":true}\n');
  input.log(`npm install ${ADOT_PACKAGE} (the ADOT layer's instrumentation) into ${prefix}`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ADOT_PACKAGE], {
    cwd: prefix,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const register = path.join(
    prefix,
    'node_modules/@aws/aws-distro-opentelemetry-node-autoinstrumentation/build/src/register.js',
  );
  const adotEnv = { ...env, OTEL_SERVICE_NAME: 'bems-coldstart', OTEL_NODE_DISABLED_INSTRUMENTATIONS: '' };
  const rows: OptionRow[] = [];
  for (const [handler, bundle] of Object.entries(input.currentBundles)) {
    const plain: InitSample[] = [];
    const withAdot: InitSample[] = [];
    await measureInit(bundle, adotEnv, ['--require', register]);
    for (let run = 0; run < input.runs; run++) {
      plain.push(await measureInit(bundle, env));
      withAdot.push(await measureInit(bundle, adotEnv, ['--require', register]));
    }
    rows.push({ option: `${handler} bundle as is`, bytes: statSync(bundle).size, samples: plain });
    rows.push({
      option: `${handler} bundle + ADOT auto-instrumentation preloaded`,
      bytes: undefined,
      samples: withAdot,
    });
  }
  input.log('ADOT measured');
  return rows;
}

function build(entry: keyof typeof ENTRIES, tree: string, dir: string): string {
  // The entry sits in the tree so that its imports resolve that tree's packages.
  const source = path.join(tree, `.coldstart-tracing-${entry}.ts`);
  writeFileSync(source, ENTRIES[entry]);
  const outfile = path.join(dir, `${entry}.mjs`);
  execFileSync(path.join(tree, 'node_modules/.bin/esbuild'), [source, ...ESBUILD_FLAGS, `--outfile=${outfile}`], {
    cwd: tree,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return outfile;
}

function render(rows: readonly OptionRow[]) {
  const header = ['option', 'bundle kB', 'init p50 ms', 'init p95 ms', 'import-only p50 ms'];
  const cells = rows.map((row) => {
    const f = figures(row.samples);
    return [
      row.option,
      row.bytes === undefined ? '(layer)' : formatNumber(row.bytes / 1000, 0),
      formatNumber(f.median, 1),
      formatNumber(f.p95, 1),
      formatNumber(f.importMedian, 1),
    ];
  });
  const markdown = [
    '',
    '## Tracing options (ADR 0019)',
    '',
    `| ${header.join(' | ')} |`,
    `| --- | ${header
      .slice(1)
      .map(() => '---:')
      .join(' | ')} |`,
    ...cells.map((c) => `| ${c.join(' | ')} |`),
    '',
  ].join('\n');
  return { console: formatTable(header, cells, { align: ['left', 'right', 'right', 'right', 'right'] }), markdown };
}
