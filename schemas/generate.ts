/**
 * Writes the files generated from the zod contract to `schemas/generated/`:
 *
 * - `openapi.json`: the OpenAPI 3.1 document of the cell API (`openapi.ts`);
 * - `<stage>.schema.json`: the JSON Schema (draft 2020-12) of each stage's request body, for
 *   clients (`publishedSchemas.ts`);
 * - `api-gateway/<stage>.json`: the API Gateway request models (draft-04, `requestModel.ts`);
 * - `cli/<document>.schema.json`: the JSON documents of `bems --output json` (`cliOutput.ts`);
 * - `country-codes.json`: the ISO 3166-1 codes Node's `Intl` knows, which the contract accepts (`country.ts`).
 *
 * Run by `npm run schemas` after changing a schema and commit the result; `--check` only compares
 * and exits 1 when a committed file is stale (CI runs it through `test/unit/schemas/generatedSchemas.test.ts`).
 *
 *   npm run schemas            # regenerate
 *   npm run schemas -- --check # verify
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { CLI_OUTPUT_SCHEMAS, renderCliOutputSchema } from './cliOutput.ts';
import { regionCodesKnownToIntl } from './country.ts';
import { renderOpenApiDocument } from './openapi.ts';
import { renderPublishedSchema } from './publishedSchemas.ts';
import { renderRequestModel } from './requestModel.ts';
import { STAGES } from './stages.ts';

const generatedDir = new URL('./generated/', import.meta.url);

/** Every generated file, by its path under `schemas/generated/`. */
export function generatedFiles(): ReadonlyMap<string, () => string> {
  return new Map<string, () => string>([
    ['openapi.json', renderOpenApiDocument],
    ['country-codes.json', () => `${JSON.stringify(regionCodesKnownToIntl(), null, 2)}\n`],
    ...STAGES.map((stage) => [`${stage}.schema.json`, () => renderPublishedSchema(stage)] as const),
    ...STAGES.map((stage) => [`api-gateway/${stage}.json`, () => renderRequestModel(stage)] as const),
    ...(Object.keys(CLI_OUTPUT_SCHEMAS) as (keyof typeof CLI_OUTPUT_SCHEMAS)[]).map(
      (name) => [`cli/${name}.schema.json`, () => renderCliOutputSchema(name)] as const,
    ),
  ]);
}

async function readIfExists(file: URL): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether the generated `file` holds `expected`; writes it (and its directory) unless it does or
 * `checkOnly`. Shared by every generator of `npm run schemas` (the producer client's too).
 */
export async function syncFile(file: URL, expected: string, checkOnly: boolean): Promise<boolean> {
  if ((await readIfExists(file)) === expected) return true;
  if (!checkOnly) {
    await mkdir(new URL('.', file), { recursive: true });
    await writeFile(file, expected);
  }
  return false;
}

/**
 * Compares the files in `dir` (a `generated/` directory) with the code and returns the stale ones
 * by name; writes the current content unless `checkOnly`.
 */
export async function syncGenerated(dir: URL, checkOnly: boolean): Promise<string[]> {
  const stale: string[] = [];
  for (const [name, render] of generatedFiles()) {
    if (!(await syncFile(new URL(name, dir), render(), checkOnly))) stale.push(name);
  }
  return stale;
}

async function main(argv: readonly string[]): Promise<number> {
  const checkOnly = argv.includes('--check');
  const stale = (await syncGenerated(generatedDir, checkOnly)).map((name) => `schemas/generated/${name}`);
  if (checkOnly && stale.length > 0) {
    console.error(`Stale generated schemas (run \`npm run schemas\` and commit): ${stale.join(', ')}`);
    return 1;
  }
  console.log(stale.length === 0 ? 'Generated schemas are up to date.' : `Wrote ${stale.join(', ')}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
