import { pathToFileURL } from 'node:url';
import { COMMANDS, type CommandIo } from './commands/index.ts';
import { CliError, UsageError } from './errors.ts';

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return [
    'Usage: bems <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `bems help <command>` for its options.',
  ].join('\n');
}

/**
 * The `bems` operator CLI: finds the sub-command, runs it, and turns errors into exit codes
 * (2 = usage, 1 = failure). Returns the exit code rather than exiting so tests can call it.
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic === undefined) {
      io.out(overview());
      return name === undefined ? 2 : 0;
    }
    const entry = COMMANDS[topic];
    if (!entry) {
      io.err(`bems: unknown command "${topic}"\n\n${overview()}`);
      return 2;
    }
    io.out((await entry.load()).command.usage);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`bems: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  const { command } = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
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
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const io: CommandIo = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bems: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
