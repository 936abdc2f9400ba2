import { pathToFileURL } from 'node:url';
import { COMMANDS, type CommandIo } from './commands/index.ts';
import { CliError, UsageError } from './errors.ts';
import { EXIT_CODES } from './exitCodes.ts';

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return [
    'Usage: bems <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Every cell command acts on the running local cell by default, or on a deployed cell with --cell <id>,',
    'and prints JSON with --json. Run `bems help <command>` for its options; exit codes are in docs/OPERATIONS.md.',
  ].join('\n');
}

/**
 * The `bems` operator CLI: finds the sub-command, runs it, and turns errors into exit codes
 * (see exitCodes.ts). Returns the exit code rather than exiting so tests can call it.
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic === undefined) {
      io.out(overview());
      return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
    }
    const entry = COMMANDS[topic];
    if (!entry) {
      io.err(`bems: unknown command "${topic}"\n\n${overview()}`);
      return EXIT_CODES.usage;
    }
    io.out((await entry.load()).command.usage);
    return EXIT_CODES.ok;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`bems: unknown command "${name}"\n\n${overview()}`);
    return EXIT_CODES.usage;
  }
  const { command } = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return EXIT_CODES.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`bems ${name}: ${error.message}\n\n${command.usage}`);
      return error.exitCode;
    }
    if (error instanceof CliError) {
      io.err(`bems ${name}: ${error.message}`);
      return error.exitCode;
    }
    // AWS and network errors reach the operator as one line; BEMS_DEBUG=1 shows the stack.
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.err(`bems ${name}: ${text}`);
    if (io.env.BEMS_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    return EXIT_CODES.failure;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const interrupt = new AbortController();
  // Interruptible commands stop after their current step on the first Ctrl-C (nothing half-done);
  // a second Ctrl-C, or any Ctrl-C for the others, ends the process at once.
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted || !COMMANDS[argv[0] ?? '']?.interruptible) process.exit(EXIT_CODES.interrupted);
    process.stderr.write('\nbems: stopping after the current step (Ctrl-C again to quit now)\n');
    interrupt.abort();
  });
  const io: CommandIo = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    signal: interrupt.signal,
    stderrIsTTY: process.stderr.isTTY === true,
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
