import { pathToFileURL } from 'node:url';
import { colourWanted } from './color.ts';
import { GLOBAL_USAGE, type GlobalOptions, nearestName, type ScannedArgv, scanArgv } from './commands/globalOptions.ts';
import { COMMANDS, type CommandEntry, type CommandIo } from './commands/index.ts';
import { CliError, UsageError } from './errors.ts';
import { EXIT_CODES } from './exitCodes.ts';
import { explainFailure } from './explainFailure.ts';
import { bemsVersion } from './version.ts';

export function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return [
    'Usage: bems [global options] <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Every cell command acts on the running local cell by default, or on a deployed cell with --cell <id>.',
    '',
    GLOBAL_USAGE,
    '',
    'Run `bems help <command>` for its options. Exit codes and the JSON documents are in docs/OPERATIONS.md.',
  ].join('\n');
}

/** `bems help <command>` and `bems <command> --help`: the command's usage, then the global options. */
export async function commandHelp(entry: CommandEntry): Promise<string> {
  return `${(await entry.load()).command.usage}\n\n${GLOBAL_USAGE}`;
}

/**
 * The `bems` operator CLI: finds the sub-command, runs it, and turns errors into one line and an
 * exit code (see exitCodes.ts). Returns the exit code rather than exiting so tests can call it.
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  let scanned: ScannedArgv;
  try {
    scanned = scanArgv(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`bems: ${error.message} (bems --help lists the options)`);
    return EXIT_CODES.usage;
  }
  const { command: name, globals } = scanned;
  if (scanned.version && name === undefined) return printVersion(io, globals);
  if (name === undefined || name === 'help') return help(scanned, io);
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(unknownCommand(name));
    return EXIT_CODES.usage;
  }
  if (scanned.help) {
    io.out(await commandHelp(entry));
    return EXIT_CODES.ok;
  }
  const { command } = await entry.load();
  const fail = (line: string, exitCode: number) => {
    io.err(`bems ${name}: ${line}`);
    // Scripts reading --output json get the failure as a document too (schemas/cliOutput.ts, CliErrorOutput).
    if (globals.output === 'json')
      io.out(JSON.stringify({ error: { command: name, message: line, exitCode } }, null, 2));
    return exitCode;
  };
  try {
    return await command.run(scanned.commandArgs, commandIo(io, globals, entry));
  } catch (error) {
    if (error instanceof UsageError)
      return fail(`${error.message} (bems help ${name} shows its options)`, error.exitCode);
    if (error instanceof CliError) return fail(error.message, error.exitCode);
    // AWS and network errors reach the operator as one line with a hint; BEMS_DEBUG=1 shows the stack.
    const { line, exitCode } = explainFailure(error, {
      ...(globals.profile ? { profile: globals.profile } : {}),
      ...(globals.region ? { region: globals.region } : {}),
    });
    if (io.env.BEMS_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    return fail(line, exitCode);
  }
}

async function help(scanned: ScannedArgv, io: CommandIo): Promise<number> {
  const topic = scanned.command === 'help' ? scanned.commandArgs[0] : undefined;
  if (topic === undefined) {
    // `bems` alone is a usage error (exit 2); `bems --help` and `bems help` are asked for.
    io.out(overview());
    return scanned.help || scanned.command === 'help' ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  const entry = Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic] : undefined;
  if (!entry) {
    io.err(unknownCommand(topic));
    return EXIT_CODES.usage;
  }
  io.out(await commandHelp(entry));
  return EXIT_CODES.ok;
}

function unknownCommand(name: string): string {
  const nearest = nearestName(name, Object.keys(COMMANDS));
  return `bems: unknown command "${name}"; ${nearest ? `did you mean "${nearest}"? ` : ''}commands: ${Object.keys(COMMANDS).join(', ')} (bems --help)`;
}

function printVersion(io: CommandIo, globals: GlobalOptions): number {
  const version = bemsVersion();
  io.out(
    globals.output === 'table'
      ? `${version.name} ${version.version} (node ${version.node}, ${version.platform})`
      : JSON.stringify(version, null, 2),
  );
  return EXIT_CODES.ok;
}

/**
 * The io a command gets: `--quiet` silences stderr (warnings, progress) and, in table output,
 * stdout; machine output (json, csv) is still written. The CLI's own error line goes to the
 * caller's stderr either way.
 */
function commandIo(io: CommandIo, globals: GlobalOptions, entry: CommandEntry): CommandIo {
  const silent = () => undefined;
  return {
    ...io,
    out: globals.quiet && globals.output === 'table' ? silent : io.out,
    err: globals.quiet ? silent : io.err,
    stderrIsTTY: !globals.quiet && (io.stderrIsTTY ?? false),
    output: globals.output,
    color: globals.output === 'table' && colourWanted(globals.color, io.stdoutIsTTY ?? false, io.env),
    accessLevel: entry.access ?? 'operator',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const interrupt = new AbortController();
  // Interruptible commands stop after their current step on the first Ctrl-C (nothing half-done);
  // a second Ctrl-C, or any Ctrl-C for the others, ends the process at once.
  const commandName = (() => {
    try {
      return scanArgv(argv).command;
    } catch {
      return undefined;
    }
  })();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted || !COMMANDS[commandName ?? '']?.interruptible) process.exit(EXIT_CODES.interrupted);
    process.stderr.write('\nbems: stopping after the current step (Ctrl-C again to quit now)\n');
    interrupt.abort();
  });
  const io: CommandIo = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    signal: interrupt.signal,
    stderrIsTTY: process.stderr.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
  };
  main(argv, io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bems: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT_CODES.failure;
    },
  );
}
