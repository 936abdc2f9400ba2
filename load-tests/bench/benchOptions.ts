import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { booleanOptions, stringOptions } from '../../ops/optionTable.ts';

/** The repository root (git commands and the default results path are relative to it). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_OUT = join(ROOT, 'load-tests/results/latest.json');

export interface BenchOptions {
  readonly durationS: number;
  readonly rate: number;
  readonly burstEvents: number;
  readonly batchSize: number;
  readonly concurrency: number;
  /** Visibility deadline: events not recorded by then are late (the promise is 2 minutes). */
  readonly deadlineS: number;
  /** Further wait for late events before calling them lost. */
  readonly drainS: number;
  readonly out: string;
  readonly unbatched: boolean;
  /** Also run the burst against a cell without the idempotency check (issue 15: its cost in one run). */
  readonly idempotencyOff: boolean;
  /** How the cells' handlers and pollers reach the emulator thread (`LocalCellOptions.transport`). */
  readonly transport: 'port' | 'http';
}

const USAGE =
  'Usage: npm run bench -- [--duration S] [--rate EVENTS_PER_S] [--burst-events N] [--batch 1-10] ' +
  '[--concurrency N] [--deadline-s S] [--drain-s S] [--out FILE] [--quick] [--no-unbatched] [--no-idempotency-off] [--transport port|http]';

/** The bench's flags; `--help` prints the usage line and exits, an out-of-range number throws. */
export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...stringOptions(
        'duration',
        'rate',
        'burst-events',
        'batch',
        'concurrency',
        'deadline-s',
        'drain-s',
        'out',
        'transport',
      ),
      ...booleanOptions('quick', 'no-unbatched', 'no-idempotency-off', 'help'),
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const transport = values.transport ?? 'port';
  if (transport !== 'port' && transport !== 'http')
    throw new Error(`--transport must be port or http, got ${transport}`);
  const rate = numberOption('rate', values.rate, quick ? 500 : 1000, 1, 100_000);
  return {
    durationS: numberOption('duration', values.duration, quick ? 10 : 60, 1, 3600),
    rate,
    burstEvents: numberOption('burst-events', values['burst-events'], quick ? 3000 : 20_000, 10, 1_000_000),
    batchSize: numberOption('batch', values.batch, 10, 1, 10),
    concurrency: numberOption('concurrency', values.concurrency, 32, 1, 1024),
    deadlineS: numberOption('deadline-s', values['deadline-s'], 120, 10, 3600),
    drainS: numberOption('drain-s', values['drain-s'], 600, 0, 7200),
    out: resolve(values.out ?? DEFAULT_OUT),
    unbatched: !values['no-unbatched'],
    idempotencyOff: !values['no-idempotency-off'],
    transport,
  };
}

function numberOption(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`--${name} must be a number from ${min} to ${max}, got ${text}`);
  }
  return value;
}

/** Progress goes to stderr, so stdout carries only the table. */
export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
