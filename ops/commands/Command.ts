import type { AccessLevel, AwsClients } from '../target/index.ts';
import type { OutputFormat } from './globalOptions.ts';

/** Where a command writes; tests pass buffers, the CLI passes the process streams. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on the first Ctrl-C: long commands finish their current step, report, and exit 130. */
  readonly signal?: AbortSignal;
  /** stderr is a terminal: long runs get a progress bar. */
  readonly stderrIsTTY?: boolean;
  /** stdout is a terminal: tables may be coloured. */
  readonly stdoutIsTTY?: boolean;
  /** `--output` (`printJson` writes JSON or CSV by it). @default 'table' */
  readonly output?: OutputFormat;
  /** ANSI colours in table output (a terminal, no `--no-color`, no NO_COLOR). @default false */
  readonly color?: boolean;
  /** Which of a cell's cross-account roles the command needs (its entry in commands/index.ts). @default 'operator' */
  readonly accessLevel?: AccessLevel;
  /** AWS clients to use for a deployed cell (tests pass mocks); default clients otherwise. */
  readonly awsClients?: AwsClients;
  /** Clock for time flags such as `--since 15m`. @default Date.now */
  readonly now?: () => number;
  /** Asks a yes/no question (destructive commands); tests answer. @default the terminal (`ops/confirm.ts`) */
  readonly confirm?: (question: string) => Promise<boolean>;
}

/**
 * One `bems` sub-command. Each lives in its own file under `ops/commands/` and is registered in
 * `ops/commands/index.ts`, which holds its name and summary (the overview lists them without loading
 * the command); `run` returns the process exit code and throws `UsageError` on bad flags.
 * The global options (globalOptions.ts) come with `parseCommandArgs`, and `printJson` writes the
 * command's document in the chosen `--output`: a command needs nothing else to support them.
 */
export interface Command {
  /** Full help text, printed by `bems help <name>` (followed by the global options). */
  readonly usage: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}
