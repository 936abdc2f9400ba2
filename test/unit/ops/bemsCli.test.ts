import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../ops/cli.ts';
import { EXIT_CODES } from '../../../ops/exitCodes.ts';
import { parseTime } from '../../../ops/parseTime.ts';
import { createProgress } from '../../../ops/progressBar.ts';

const dir = mkdtempSync(join(tmpdir(), 'bems-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string> = { BEMS_DATA_DIR: dir }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('bems CLI', () => {
  it('lists every command, the cost command included', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const name of ['status', 'dlq', 'redrive', 'replay', 'cost'])
      expect(out).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('exits 3 with what to do when no local cell runs on the data directory', async () => {
    const { code, err } = await run(['status']);
    expect(code).toBe(EXIT_CODES.unreachable);
    expect(err).toMatch(/no local cell is running on .* start one with "npm start"/);
  });

  it('exits 3 when the cell that wrote the manifest is gone', async () => {
    const manifestDir = mkdtempSync(join(dir, 'gone-'));
    writeFileSync(join(manifestDir, 'cell.json'), JSON.stringify({ version: 1, pid: 2 ** 22 + 17 }));
    const { code, err } = await run(['dlq', 'list'], { BEMS_DATA_DIR: manifestDir });
    expect(code).toBe(EXIT_CODES.unreachable);
    expect(err).toMatch(/is not a cell manifest|no longer running/);
  });

  it('exits 3 for a cell that is neither deployed nor the local one', async () => {
    const { code, err } = await run(['status', '--cell', 'nowhere-1']);
    expect(code).toBe(EXIT_CODES.unreachable);
    expect(err).toMatch(/no local cell|unknown cell/);
  });

  it.each([
    [['redrive'], /name exactly one stage/],
    [['redrive', 'shipping'], /"shipping" is not a stage/],
    [['redrive', 'posting', '--rate', '0'], /--rate/],
    [['redrive', 'posting', '--since', 'yesterday-ish'], /--since: "yesterday-ish" is not a time/],
    [['redrive', 'posting', '--consumer', 'recorder', '--inbox'], /exclude each other/],
    [['dlq'], /name a sub-command: list, peek, park, discard or redrive \(/],
    [['dlq', 'purge'], /unknown sub-command "purge"/],
    [['fault'], /name a sub-command: add, list or clear \(/],
    [['fault', 'list', '--consumer', 'recorder'], /--consumer and --fail-receives belong to add/],
    [['fault', 'clear', '1', '2'], /clear takes at most one rule number/],
    [['dlq', 'peek'], /exactly one stage/],
    [['dlq', 'peek', 'posting', '--limit', '0'], /--limit/],
    [['replay'], /--from is required/],
    [['replay', '--from', '1h', '--to', '2h'], /--from must be before --to/],
    [['status', '--bogus'], /unknown option --bogus; options: .*--stage/],
    [['status', '--stag', 'posting'], /unknown option --stag; did you mean --stage\?/],
    [['dlq', 'peek', 'posting', '--consumr', 'recorder'], /unknown option --consumr; did you mean --consumer\?/],
  ])('exits 2 with one line and a hint for bems %j', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(EXIT_CODES.usage);
    expect(err).toMatch(message);
    expect(err).not.toContain('\n');
    expect(err).toMatch(new RegExp(`^bems ${argv[0]}: .*\\(bems help ${argv[0]} shows its options\\)$`));
  });
});

describe('time flags', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');

  it('takes ISO 8601, "now" and ages', () => {
    expect(parseTime('--from', '2026-11-28T09:15:00Z', now)).toBe(Date.parse('2026-11-28T09:15:00Z'));
    expect(parseTime('--from', '2026-11-28T09:15:00+01:00', now)).toBe(Date.parse('2026-11-28T08:15:00Z'));
    expect(parseTime('--from', '2026-11-27', now)).toBe(Date.parse('2026-11-27'));
    expect(parseTime('--to', 'now', now)).toBe(now);
    expect(parseTime('--since', '15m', now)).toBe(now - 15 * 60_000);
    expect(parseTime('--since', '2h', now)).toBe(now - 7_200_000);
    expect(parseTime('--since', '7d', now)).toBe(now - 7 * 86_400_000);
  });

  it('refuses what only looks like a time', () => {
    for (const text of ['1', 'March', '15 minutes', '2026-13-45', '-5m']) {
      expect(() => parseTime('--since', text, now)).toThrow(/is not a time/);
    }
  });
});

describe('progress bar', () => {
  it('draws only for long runs on a terminal, never for JSON output', () => {
    const writes: string[] = [];
    const stream = { write: (text: string) => writes.push(text) } as unknown as NodeJS.WritableStream;
    const base = { label: 'Redriving', unit: 'messages', stream };

    createProgress({ ...base, total: 300, isTTY: false, json: false }).update(10);
    createProgress({ ...base, total: 300, isTTY: true, json: true }).update(10);
    createProgress({ ...base, total: 10, isTTY: true, json: false }).update(10);
    expect(writes).toEqual([]);

    const bar = createProgress({ ...base, total: 300, isTTY: true, json: false });
    bar.update(150);
    bar.stop();
    expect(writes.join('')).toMatch(/Redriving .*150\/300 messages/);
  });
});
