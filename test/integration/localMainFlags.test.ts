import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localCell } from '../../cells/cells.config.ts';

/** `npm start` (local/main.ts) flags that never start a cell: `--help`, a refused `--analytics` or `--transport`. */

const REPO = join(import.meta.dirname, '..', '..');

function runMain(args: readonly string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'local/main.ts', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm start -- --analytics', () => {
  it('is listed by --help with both stores and the local cell definition’s default', () => {
    // Act
    const { code, stdout } = runMain(['--help']);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(`--analytics <store>.*timestream \\| lakehouse.*default ${localCell().analytics.store}`),
    );
  });

  it('refuses an unknown store with one clear line and exit code 1, before starting anything', () => {
    // Act
    const { code, stdout, stderr } = runMain(['--analytics', 'influxdb', '--port', '0']);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toBe('error: --analytics must be one of timestream, lakehouse, got "influxdb"\n');
    expect(stdout).toBe('');
  });
});

describe('npm start -- --transport', () => {
  it('is listed by --help and refuses anything but port or http before starting anything', () => {
    // Act
    const help = runMain(['--help']);
    const refused = runMain(['--transport', 'socket', '--port', '0']);

    // Assess
    expect(help.stdout).toMatch(/--transport <t> .*port .*\| http .*default port/s);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('error: --transport must be port or http, got "socket"\n');
    expect(refused.stdout).toBe('');
  });
});
