/** Where a command writes; tests pass buffers, the CLI passes the process streams. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * One `bems` sub-command. Each lives in its own file under `ops/commands/` and is registered in
 * `ops/commands/index.ts`; `run` returns the process exit code and throws `UsageError` on bad flags.
 */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full help text, printed by `bems help <name>` and on a usage error. */
  readonly usage: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}
