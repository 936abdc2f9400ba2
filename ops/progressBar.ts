import cliProgress from 'cli-progress';

export interface Progress {
  /** `done` out of the total; the total may grow (a DLQ can fill while it is redriven). */
  update(done: number, total?: number): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly total: number;
  readonly label: string;
  /** Unit shown after the counts, e.g. "messages". */
  readonly unit: string;
  /** Only terminals get a bar: a log file or a pipe would fill with redraws. */
  readonly isTTY: boolean;
  /** Not for machine output. */
  readonly json: boolean;
  readonly stream?: NodeJS.WritableStream;
  /**
   * Without a terminal: where a progress line goes every `lineIntervalMs` (count, share, ETA), so a
   * CI log shows that a long run moves. No lines when absent.
   */
  readonly lines?: (line: string) => void;
  /** @default 10000 */
  readonly lineIntervalMs?: number;
  readonly now?: () => number;
}

/** Runs shorter than this get no bar: it would flash and vanish. */
export const PROGRESS_MIN_TOTAL = 50;

const silent: Progress = { update: () => undefined, stop: () => undefined };

/**
 * Progress of a long run on stderr: a bar with count and ETA on a terminal, a line every ten
 * seconds otherwise (`lines`), nothing for JSON output or short runs.
 */
export function createProgress(options: ProgressOptions): Progress {
  if (options.json || options.total < PROGRESS_MIN_TOTAL) return silent;
  if (!options.isTTY) return options.lines ? periodicLines(options, options.lines) : silent;
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${options.unit} | {duration_formatted} | ETA {eta_formatted}`,
      stream: options.stream ?? process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      // Whether to draw was decided above (options.isTTY); cli-progress must not decide again.
      noTTYOutput: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let total = options.total;
  bar.start(total, 0);
  return {
    update(done, newTotal) {
      if (newTotal !== undefined && newTotal !== total) {
        total = newTotal;
        bar.setTotal(total);
      }
      bar.update(Math.min(done, total));
    },
    stop: () => bar.stop(),
  };
}

/** `Replaying: 400/1000 events (40%), 12 s so far, about 18 s left`, at most every interval. */
function periodicLines(options: ProgressOptions, write: (line: string) => void): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  const interval = options.lineIntervalMs ?? 10_000;
  let total = options.total;
  let done = 0;
  let lastAt = started;
  const line = () => {
    const elapsed = (now() - started) / 1000;
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const left = share > 0 ? (elapsed / share) * (1 - share) : undefined;
    write(
      `${options.label}: ${done}/${total} ${options.unit} (${Math.round(share * 100)}%), ${elapsed.toFixed(0)} s so far` +
        (left === undefined ? '' : `, about ${left.toFixed(0)} s left`),
    );
  };
  return {
    update(value, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      done = Math.min(value, total);
      if (now() - lastAt >= interval) {
        lastAt = now();
        line();
      }
    },
    stop: () => {
      if (done > 0) line();
    },
  };
}
