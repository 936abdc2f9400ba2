import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { booleanOptions, stringOptions } from '../optionTable.ts';

/**
 * Options every `bems` command takes, in the AWS CLI's spelling, before or after the command name.
 * `parseCommandArgs` adds them to each command's own options, so a command gets them without
 * declaring them; `scanArgv` reads them before the command runs (output format, colour, quiet).
 */
export const GLOBAL_OPTIONS = {
  ...stringOptions('profile', 'region', 'role-arn', 'output'),
  ...booleanOptions('json', 'no-color', 'quiet'),
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Options that name the cell; they may also come before the command (`bems --cell euw1-a status`). */
export const TARGET_OPTIONS = stringOptions('cell', 'data-dir') satisfies NonNullable<ParseArgsConfig['options']>;

export const OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const GLOBAL_USAGE = `Global options (every command):
  --profile P          AWS profile for deployed cells (default: AWS_PROFILE, else the standard credential chain)
  --region R           AWS Region (default: the cell's; bems cost: the price table's; status --all-cells: only cells there)
  --role-arn ARN       assume this IAM role for the deployed cell (default: the cell's bems-<cell>-operator or
                       -readonly role when its access block is configured and you are in another account)
  --output F           table (default), json (one document, docs/OPERATIONS.md) or csv (the document's rows)
  --json               same as --output json
  --no-color           no ANSI colours (also NO_COLOR=1; colours are only used on a terminal)
  --quiet              errors only on stderr; in table output nothing on stdout (the exit code says it all)
  --version            print the bems version and exit
  --help               this text, or a command's options with bems help <command>`;

const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The global options, validated. */
export interface GlobalOptions {
  readonly profile?: string;
  readonly region?: string;
  readonly roleArn?: string;
  readonly output: OutputFormat;
  readonly color: boolean;
  readonly quiet: boolean;
}

type GlobalValues = {
  profile?: string | undefined;
  region?: string | undefined;
  'role-arn'?: string | undefined;
  output?: string | undefined;
  json?: boolean | undefined;
  'no-color'?: boolean | undefined;
  quiet?: boolean | undefined;
};

/** Validates the global option values; every refusal says what is accepted. */
export function globalOptionsOf(values: GlobalValues): GlobalOptions {
  const output = values.output ?? (values.json ? 'json' : 'table');
  if (!(OUTPUT_FORMATS as readonly string[]).includes(output))
    throw new UsageError(`--output: "${output}" is not one of ${OUTPUT_FORMATS.join(', ')}`);
  if (values.json && output !== 'json') throw new UsageError(`--json and --output ${output} contradict each other`);
  if (values.region !== undefined && !REGION.test(values.region))
    throw new UsageError(`--region: "${values.region}" is not an AWS Region such as eu-west-1`);
  if (values['role-arn'] !== undefined && !ROLE_ARN.test(values['role-arn']))
    throw new UsageError(
      `--role-arn: "${values['role-arn']}" is not an IAM role ARN such as arn:aws:iam::111111111111:role/bems-euw1-a-operator`,
    );
  if (values.profile !== undefined && values.profile.trim() === '') throw new UsageError('--profile: name a profile');
  return {
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values['role-arn'] !== undefined ? { roleArn: values['role-arn'] } : {}),
    output: output as OutputFormat,
    color: !values['no-color'],
    quiet: values.quiet ?? false,
  };
}

/** What `bems <argv>` asks for, before any command runs. */
export interface ScannedArgv {
  /** The command name (first positional argument), if any. */
  readonly command?: string;
  /** What the command parses: what follows its name, then the options given before it. */
  readonly commandArgs: readonly string[];
  readonly globals: GlobalOptions;
  readonly help: boolean;
  readonly version: boolean;
}

const FRONT_OPTIONS = {
  ...GLOBAL_OPTIONS,
  ...TARGET_OPTIONS,
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/**
 * Splits `bems [options] <command> [args]`: only known options may precede the command. The
 * global options are then read from the whole line leniently (a command's own flags are its
 * business); the command parses its arguments strictly again, global options included.
 */
export function scanArgv(argv: readonly string[]): ScannedArgv {
  const { tokens } = parseArgs({
    args: [...argv],
    options: FRONT_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((t) => t.kind === 'positional' || (t.kind === 'option' && !(t.name in FRONT_OPTIONS)));
  if (first?.kind === 'option') throw new UnknownOptionError(first.rawName, Object.keys(FRONT_OPTIONS));
  const commandIndex = first?.kind === 'positional' ? first.index : argv.length;
  const before = argv.slice(0, commandIndex);
  const commandArgs = [...argv.slice(commandIndex + 1), ...before];
  const { values } = parseArgs({ args: [...argv], options: FRONT_OPTIONS, strict: false, allowPositionals: true });
  const strings = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, typeof v === 'string' || typeof v === 'boolean' ? v : undefined]),
  ) as GlobalValues & { help?: boolean; version?: boolean };
  // A string option given without a value reads as `true` in the lenient pass: refuse it here.
  for (const name of ['profile', 'region', 'role-arn', 'output'] as const) {
    if ((values as Record<string, unknown>)[name] === true) throw new UsageError(`--${name} needs a value`);
  }
  const frontOnly = parseArgs({ args: before, options: FRONT_OPTIONS, strict: false, allowPositionals: true }).values;
  return {
    ...(first?.kind === 'positional' ? { command: first.value } : {}),
    commandArgs,
    globals: globalOptionsOf(strings),
    // `bems --help` and `bems status --help` both ask for help; `--version` only counts before a command.
    help: strings.help === true,
    version: frontOnly.version === true,
  };
}

/** An option nobody defines, with the nearest one that exists. */
export class UnknownOptionError extends UsageError {
  constructor(option: string, known: readonly string[]) {
    const name = option.replace(/^-+/, '');
    const nearest = nearestName(name, known);
    super(
      nearest
        ? `unknown option ${option}; did you mean --${nearest}?`
        : `unknown option ${option}; options: ${known.map((k) => `--${k}`).join(', ')}`,
    );
  }
}

/** The candidate closest to `name` by edit distance, when it is close enough to be a typo. */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = candidate.startsWith(name) && name.length >= 3 ? 1 : editDistance(name, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
