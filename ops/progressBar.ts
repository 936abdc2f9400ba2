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
}

/** Runs shorter than this get no bar: it would flash and vanish. */
export const PROGRESS_MIN_TOTAL = 50;

const silent: Progress = { update: () => undefined, stop: () => undefined };

/** A progress bar on stderr for long runs on a terminal; a no-op otherwise. */
export function createProgress(options: ProgressOptions): Progress {
  if (!options.isTTY || options.json || options.total < PROGRESS_MIN_TOTAL) return silent;
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${options.unit} | {duration_formatted}`,
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
