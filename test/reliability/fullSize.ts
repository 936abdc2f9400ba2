import { execFileSync, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { CI_SIZE, FULL_SIZE, SCENARIOS } from './scenarios/index.ts';
import { formatResultsTable, invariantViolations, type ScenarioResult } from './support/ScenarioResult.ts';

/**
 * `npm run reliability`: both suites of issue 8 at full size, one after the other on this machine.
 * First every fault-injection scenario (the issue's durations, hundreds of invoices each), with the
 * results table for docs/RELIABILITY.md and the commit it was measured on; then the abuse suite
 * (test/abuse) with five times the CI's fuzz cases. Exits 1 if an invariant or a test failed.
 *
 *   npm run reliability                             # everything, full size
 *   npm run reliability -- --only poison --no-abuse # one scenario
 *   npm run reliability -- --size ci --json out.json
 */
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'full' },
    only: { type: 'string', multiple: true },
    json: { type: 'string' },
    abuse: { type: 'boolean', default: true },
    'fuzz-runs': { type: 'string', default: '50000' },
    'fuzz-http-runs': { type: 'string', default: '5000' },
  },
  allowNegative: true,
});
const size = values.size === 'ci' ? CI_SIZE : FULL_SIZE;
const names = values.only?.length ? values.only : Object.keys(SCENARIOS);
const unknown = names.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
  console.error(`unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

const commit = gitCommit();
const results: ScenarioResult[] = [];
let failed = false;
for (const name of names) {
  process.stderr.write(`▶ ${name} (${size.label} size)…\n`);
  const result = await SCENARIOS[name]!(size);
  results.push(result);
  const violations = invariantViolations(result);
  failed ||= violations.length > 0;
  process.stderr.write(
    `  ${violations.length === 0 ? 'held' : `VIOLATED: ${violations.join('; ')}`} — ${result.accepted} accepted, ` +
      `${result.recorded} recorded, ${result.redriven} redriven, ${result.lost} lost, ${result.duplicated} duplicated ` +
      `(${(result.durationMs / 1000).toFixed(0)} s)\n`,
  );
  for (const note of result.notes) process.stderr.write(`  · ${note}\n`);
}

console.log(`Measured on commit ${commit}, ${size.label} size, ${new Date().toISOString()}:\n`);
console.log(formatResultsTable(results));
if (values.json) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(values.json, `${JSON.stringify({ commit, size, results }, null, 2)}\n`);
}

if (values.abuse) {
  // The abuse suite is a vitest suite; full size is the same tests with more cases.
  process.stderr.write(
    `▶ abuse suite (${values['fuzz-runs']} in-process + ${values['fuzz-http-runs']} HTTP fuzz cases)…\n`,
  );
  const vitest = spawnSync('npx', ['vitest', 'run', 'test/abuse'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      BEMS_FUZZ_RUNS: values['fuzz-runs'],
      BEMS_FUZZ_HTTP_RUNS: values['fuzz-http-runs'],
      BEMS_FUZZ_SEED: process.env.BEMS_FUZZ_SEED ?? String(size.seed),
    },
  });
  failed ||= vitest.status !== 0;
}
process.exit(failed ? 1 : 0);

function gitCommit(): string {
  // An export of a commit (git archive) has no .git: whoever made it names the commit.
  if (process.env.BEMS_MEASURED_COMMIT) return process.env.BEMS_MEASURED_COMMIT;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
