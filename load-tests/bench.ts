/**
 * `npm run bench`: the month-end benchmark of the local cell, in one repeatable run.
 *
 *   npm run bench                         # 60 s at 1,000 events/s, bursts of 20,000 events
 *   npm run bench -- --rate 2000          # aim higher
 *   npm run bench -- --quick              # 10 s at 500 events/s, bursts of 3,000 (a smoke check)
 *   npm run bench -- --quick --transport http   # the cells' own clients over loopback HTTP (default: port)
 *   npm run bench -- --duration 30 --rate 1500 --burst-events 10000 --out /tmp/bench.json
 *
 * Phases, each with the same load generator in a child process (keep-alive, batch POSTs of 10):
 *   1. ceiling   — a bare node:http server doing no work: a burst of N events as fast as possible.
 *   2. batched   — a local cell (temp data dir): warm-up, then `--rate` events/s for `--duration` s
 *                  (open loop), completeness verified; then the same burst of N events, timed until
 *                  the last one is recorded.
 *   3. unbatched — a second local cell with `batching: false`: the same burst.
 *   4. idempotency off — a third cell with `idempotency: false` (no DynamoDB check in ingest): the
 *                  same burst, so ingest throughput and HTTP p99 with and without it come from one run.
 * It prints one table and writes the results as JSON (`--out`, default load-tests/results/latest.json),
 * which `bems cost` reads for its per-event request counts. Exit code 1 on any loss, duplicate or
 * network error (a reset or a timeout: the producer cannot tell whether its events were accepted).
 *
 * The pieces live in bench/: flags (benchOptions), one phase against a cell (loadPhase), the results
 * JSON (benchResults) and the table (renderBenchTable).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchOptions, log, parseOptions } from './bench/benchOptions.ts';
import { benchResults } from './bench/benchResults.ts';
import { renderBenchTargets } from './bench/benchTargets.ts';
import { loadPhase, type PhaseLoad, withCell } from './bench/loadPhase.ts';
import { renderBenchTable } from './bench/renderBenchTable.ts';
import type { LoadResult } from './loadGenerator.ts';
import { runLoadInChild } from './runLoadInChild.ts';
import { startBareServer } from './startBareServer.ts';

async function main(): Promise<number> {
  const loadAverageAtStart = loadavg()[0] ?? 0;
  const options = parseOptions(process.argv.slice(2));
  const burst = {
    mode: 'burst',
    totalEvents: options.burstEvents,
    concurrency: options.concurrency,
    batchSize: options.batchSize,
  } as const;
  const ceiling = await runCeiling(burst, options);
  const batched = await withCell(
    { batching: true, idempotency: true, transport: options.transport },
    async (cell, workDir) => {
      const warmUp = await loadPhase(
        cell,
        'batched warm-up',
        {
          mode: 'rate',
          eventsPerSecond: Math.min(options.rate, 500),
          durationS: 3,
          concurrency: 64,
          batchSize: options.batchSize,
        },
        workDir,
        options,
      );
      const sustained = await loadPhase(
        cell,
        'batched sustained',
        {
          mode: 'rate',
          eventsPerSecond: options.rate,
          durationS: options.durationS,
          concurrency: 256,
          batchSize: options.batchSize,
        },
        workDir,
        options,
      );
      return { warmUp, sustained, burst: await loadPhase(cell, 'batched burst', burst, workDir, options) };
    },
  );
  const unbatched = options.unbatched
    ? await withCell({ batching: false, idempotency: true, transport: options.transport }, async (cell, workDir) => ({
        burst: await loadPhase(cell, 'unbatched burst', burst, workDir, options),
      }))
    : undefined;
  const withoutIdempotency = options.idempotencyOff
    ? await withCell({ batching: true, idempotency: false, transport: options.transport }, async (cell, workDir) => ({
        burst: await loadPhase(cell, 'idempotency-off burst', burst, workDir, options),
      }))
    : undefined;
  const results = benchResults({ loadAverageAtStart, options, ceiling, batched, unbatched, withoutIdempotency });
  writeResults(results, options.out);
  // A network error is a producer left not knowing whether its events were accepted: a failure.
  return results.lost === 0 && results.duplicates === 0 && results.networkErrors === 0 ? 0 : 1;
}

/** Phase 1: the same burst against a server that does nothing, the most this machine's HTTP can carry. */
async function runCeiling(burst: PhaseLoad, options: BenchOptions): Promise<LoadResult> {
  log(`ceiling: bare node:http server, burst of ${options.burstEvents} events`);
  const bare = await startBareServer();
  let ceiling: LoadResult;
  try {
    ceiling = await runLoadInChild({ ...burst, url: bare.url, apiKey: 'none', runId: 'ceiling' });
  } finally {
    await bare.stop();
  }
  log(`ceiling: ${Math.round(ceiling.acceptedPerSecond)} events/s`);
  return ceiling;
}

function writeResults(results: ReturnType<typeof benchResults>, out: string): void {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  // The same table as Markdown next to the JSON, for docs/PERFORMANCE.md.
  const markdownPath = `${out.replace(/\.json$/, '')}.md`;
  writeFileSync(
    markdownPath,
    `${renderBenchTable(results, 'markdown')}\n\n${renderBenchTargets(results, 'markdown')}\n`,
  );
  console.log(renderBenchTable(results));
  console.log(`\n${renderBenchTargets(results)}`);
  console.log(`\nresults: ${out} (table as Markdown: ${markdownPath})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => {
      process.exit(code);
    },
    (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(2);
    },
  );
}
