/**
 * Writes the API Gateway request models (JSON Schema draft-04) generated from the zod contract to
 * `schemas/generated/<stage>.json`. Run by `npm run schemas` after changing a schema and commit
 * the result; `--check` only compares and exits 1 when a committed file is stale (CI, hooks).
 *
 *   npm run schemas            # regenerate
 *   npm run schemas -- --check # verify
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { renderRequestModel } from './requestModel.ts';
import { STAGES, type Stage } from './stages.ts';

const generatedDir = new URL('./generated/', import.meta.url);

function generatedFile(stage: Stage): URL {
  return new URL(`${stage}.json`, generatedDir);
}

async function readIfExists(file: URL): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const checkOnly = argv.includes('--check');
  const stale: string[] = [];
  await mkdir(generatedDir, { recursive: true });
  for (const stage of STAGES) {
    const file = generatedFile(stage);
    const expected = renderRequestModel(stage);
    if ((await readIfExists(file)) === expected) continue;
    stale.push(`schemas/generated/${stage}.json`);
    if (!checkOnly) await writeFile(file, expected);
  }
  if (checkOnly && stale.length > 0) {
    console.error(`Stale generated schemas (run \`npm run schemas\` and commit): ${stale.join(', ')}`);
    return 1;
  }
  console.log(stale.length === 0 ? 'Generated schemas are up to date.' : `Wrote ${stale.join(', ')}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
