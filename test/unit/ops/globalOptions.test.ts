import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../ops/cli.ts';
import { colourWanted, paint } from '../../../ops/color.ts';
import { toCsv } from '../../../ops/csv.ts';
import { EXIT_CODES } from '../../../ops/exitCodes.ts';
import { CliErrorOutputSchema, CliVersionOutputSchema } from '../../../schemas/cliOutput.ts';

/** The options every `bems` command takes (ops/commands/globalOptions.ts), as the AWS CLI spells them. */
const dir = mkdtempSync(join(tmpdir(), 'bems-global-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const VERSION = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: { BEMS_DATA_DIR: dir } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('bems global options', () => {
  it('prints the version, as a line or as a JSON document', async () => {
    const line = await run('--version');
    expect(line).toMatchObject({ code: 0, err: '' });
    expect(line.out).toMatch(
      new RegExp(`^bems ${VERSION.replaceAll('.', '\\.')} \\(node v\\d+\\.\\d+\\.\\d+, [a-z0-9]+-[a-z0-9]+\\)$`),
    );
    const json = await run('--version', '--output', 'json');
    expect(CliVersionOutputSchema.parse(JSON.parse(json.out))).toMatchObject({ name: 'bems', version: VERSION });
  });

  it('lists --profile, --region and --role-arn in bems --help and in every command help', async () => {
    for (const argv of [['--help'], ['help', 'status'], ['dlq', '--help'], ['cost', '--help']]) {
      const { code, out } = await run(...argv);
      expect(code).toBe(0);
      for (const option of ['--profile P', '--region R', '--role-arn ARN', '--output F', '--no-color', '--quiet'])
        expect(out, `${argv.join(' ')}: ${option}`).toContain(option);
    }
  });

  it('takes global options before the command as well as after it', async () => {
    const before = await run('--output', 'json', '--data-dir', dir, 'status');
    const after = await run('status', '--data-dir', dir, '--output', 'json');
    expect(before).toEqual(after);
    expect(before.code).toBe(EXIT_CODES.unreachable);
  });

  it('prints a failure as one line on stderr and, with --output json, as a document on stdout', async () => {
    const { code, out, err } = await run('status', '--output', 'json');
    expect(code).toBe(EXIT_CODES.unreachable);
    expect(err).toMatch(/^bems status: no local cell is running on .*; start one with "npm start"$/);
    expect(CliErrorOutputSchema.parse(JSON.parse(out))).toEqual({
      error: { command: 'status', message: err.slice('bems status: '.length), exitCode: EXIT_CODES.unreachable },
    });
  });

  it.each([
    [['--output', 'yaml', 'status'], /^bems: --output: "yaml" is not one of table, json, csv/],
    [['status', '--region', 'Europe'], /--region: "Europe" is not an AWS Region such as eu-west-1/],
    [['status', '--role-arn', 'bems-operator'], /--role-arn: "bems-operator" is not an IAM role ARN/],
    [['status', '--profile'], /--profile needs a value/],
    [['status', '--json', '--output', 'csv'], /--json and --output csv contradict each other/],
    [['--bogus', 'status'], /^bems: unknown option --bogus/],
    [['stauts'], /^bems: unknown command "stauts"; did you mean "status"\?/],
    [['help', 'replya'], /did you mean "replay"\?/],
  ])('refuses %j in one line with a hint (exit 2)', async (argv, message) => {
    const { code, err } = await run(...argv);
    expect(code).toBe(EXIT_CODES.usage);
    expect(err).toMatch(message);
    expect(err).not.toContain('\n');
  });

  it('keeps quiet: no stdout in table output and no warnings, but the error line and the exit code', async () => {
    const quiet = await run('status', '--quiet');
    expect(quiet.code).toBe(EXIT_CODES.unreachable);
    expect(quiet.out).toBe('');
    expect(quiet.err).toMatch(/^bems status: no local cell/);
    const cost = await run('cost', '--quiet');
    expect(cost).toEqual({ code: 0, out: '', err: '' });
    expect((await run('cost', '--quiet', '--output', 'json')).out).toContain('"eventsPerDay"');
  });

  it('writes CSV: one row per billed line of bems cost', async () => {
    const { code, out } = await run('cost', '--store', 'timestream', '--floor', '--output', 'csv');
    expect(code).toBe(0);
    const [header, ...lines] = out.split('\r\n');
    expect(header!.split(',').slice(0, 3)).toEqual(['store', 'service', 'item']);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.every((l) => l.startsWith('timestream,'))).toBe(true);
  });
});

describe('CSV of a document', () => {
  it('takes the main list, flattens nested fields into dotted columns and quotes per RFC 4180', () => {
    const csv = toCsv({
      cell: 'x',
      queues: [
        { stage: 'posting', stats: { visible: 1, oldest: null }, ids: ['A', 'B'] },
        { stage: 'ingestion', note: 'say "hi", then\nleave', stats: { visible: 0, oldest: 3 } },
      ],
    });
    expect(csv.split('\r\n')).toEqual([
      'stage,stats.visible,stats.oldest,ids,note',
      'posting,1,,A;B,',
      'ingestion,0,3,,"say ""hi"", then\nleave"',
    ]);
  });

  it('writes a document without a list as one row, and refuses a missing named list', () => {
    expect(toCsv({ state: 'COMPLETED', sent: 3 })).toBe('state,sent\r\nCOMPLETED,3');
    expect(() => toCsv({ a: 1 }, 'rows')).toThrow(/no list "rows"/);
  });
});

describe('colours', () => {
  it('colour only a terminal, never with --no-color, NO_COLOR or TERM=dumb', () => {
    expect(colourWanted(true, true, {})).toBe(true);
    expect(colourWanted(false, true, {})).toBe(false);
    expect(colourWanted(true, false, {})).toBe(false);
    expect(colourWanted(true, true, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(true, true, { TERM: 'dumb' })).toBe(false);
    expect(paint({ color: true }).red('x')).toBe('\u001b[31mx\u001b[0m');
    expect(paint({ color: false }).red('x')).toBe('x');
  });
});
