import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../../ops/cli.ts';
import { COMMANDS } from '../../../ops/commands/index.ts';

/**
 * docs/OPERATIONS.md's CLI reference and the CLI's help say the same (issue 19): every command and
 * option `bems --help` and `bems help <command>` print is in the reference, and everything the
 * reference names exists. Commands come from the registry (ops/commands/index.ts), so a command
 * added later is checked without touching this test.
 */
const OPTION = /--[a-z][a-z0-9-]*/g;

async function help(...argv: string[]): Promise<string> {
  const out: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => out.push(t), env: {} });
  expect(code, `bems ${argv.join(' ')}`).toBe(0);
  return out.join('\n');
}

/** The text of the "## The `bems` CLI" section, up to the next "## " heading. */
function cliReference(): string {
  const runbook = readFileSync(new URL('../../../docs/OPERATIONS.md', import.meta.url), 'utf8');
  const start = runbook.indexOf('## The `bems` CLI\n');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = runbook.indexOf('\n## ', start + 1);
  return runbook.slice(start, end === -1 ? undefined : end);
}

/** Table rows whose first cell starts with `prefix` (in backticks), with their first cell and the whole row. */
function rows(section: string, prefix: string): { key: string; row: string }[] {
  return section
    .split('\n')
    .filter((line) => line.startsWith(`| \`${prefix}`))
    .map((row) => ({ key: /^\| `([^`]+)`/.exec(row)![1]!, row }));
}

/** The options a help text defines: its usage lines and its option lines (two spaces, then `--x`). */
function optionsOfHelp(text: string): Set<string> {
  const usage = text.slice(0, text.indexOf('\n\n'));
  const definitions = text.split('\n').filter((line) => /^\s{2,}--[a-z]/.test(line));
  return new Set([...usage.matchAll(OPTION), ...definitions.flatMap((l) => [...l.matchAll(OPTION)])].map((m) => m[0]));
}

function globalBlock(text: string): string {
  return text.slice(text.indexOf('Global options'));
}

describe('docs/OPERATIONS.md and bems --help', () => {
  it('document the same global options', async () => {
    const overview = await help('--help');
    const inHelp = new Set([...globalBlock(overview).matchAll(/^ {2}(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1]!));
    const inDocs = new Set(rows(cliReference(), '--').map((r) => r.key.split(' ')[0]!));
    expect([...inDocs].sort()).toEqual([...inHelp].sort());
    for (const required of ['--profile', '--region', '--role-arn', '--output', '--no-color', '--quiet', '--version'])
      expect(inHelp, required).toContain(required);
  });

  it('document the same commands', async () => {
    const overview = await help('--help');
    const inHelp = new Set([...overview.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]!));
    expect([...inHelp].sort()).toEqual(Object.keys(COMMANDS).sort());
    const inDocs = new Set(rows(cliReference(), 'bems ').map((r) => r.key.split(' ')[1]!));
    expect([...inDocs].sort()).toEqual([...inHelp].sort());
  });

  const globals = async () => new Set([...globalBlock(await help('--help')).matchAll(OPTION)].map((m) => m[0]));

  it.each(Object.keys(COMMANDS))('document every option of bems %s, and only options it has', async (name) => {
    const text = await help('help', name);
    const own = optionsOfHelp(text.slice(0, text.indexOf('Global options')));
    const global = await globals();
    const docRows = rows(cliReference(), `bems ${name}`).filter((r) => r.key.split(' ')[1] === name);
    expect(docRows.length, `a row for bems ${name}`).toBeGreaterThan(0);
    const documented = new Set(docRows.flatMap((r) => [...r.row.matchAll(OPTION)].map((m) => m[0])));
    const missing = [...own].filter((option) => !global.has(option) && !documented.has(option));
    const unknown = [...documented].filter((option) => !own.has(option) && !global.has(option));
    expect(missing, `options of bems help ${name} missing from docs/OPERATIONS.md`).toEqual([]);
    expect(unknown, `options docs/OPERATIONS.md gives bems ${name} that it does not have`).toEqual([]);
  });

  it('names every fault mode in npm start --help', async () => {
    const { FAULT_MODES } = await import('../../../local/cell/faults/index.ts');
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const text = execFileSync(tsx, [
      fileURLToPath(new URL('../../../local/main.ts', import.meta.url)),
      '--help',
    ]).toString();
    const modes = /mode = ([^(\n]+)/.exec(text)![1]!.trim().split(/ \| /);
    // Issue 19: `crash` was missing; the help now lists FAULT_MODES itself.
    expect(modes).toEqual([...FAULT_MODES]);
    expect(modes).toContain('crash');
  }, 30_000);
});
