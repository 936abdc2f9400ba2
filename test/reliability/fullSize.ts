import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { CI_SIZE, FULL_SIZE, SCENARIOS } from './scenarios/index.ts';
import { formatResultsTable, invariantViolations, type ScenarioResult } from './support/ScenarioResult.ts';

/**
 * `npm run reliability`: every fault-injection scenario at full size (issue 8's durations, hundreds
 * of invoices), one after the other on this machine, then the results table for
 * docs/RELIABILITY.md with the commit it was measured on. Exits 1 if any invariant was violated.
 *
 *   npm run reliability                          # all scenarios, full size
 *   npm run reliability -- --only poison         # one scenario
 *   npm run reliability -- --size ci --json out.json
 */
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'full' },
    only: { type: 'string', multiple: true },
    json: { type: 'string' },
  },
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
process.exit(failed ? 1 : 0);

function gitCommit(): string {
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
