import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDataDir } from '../../../../local/sqlite/checkDataDir.ts';

describe('checkDataDir', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bems-check-data-dir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates a missing directory (and its parents) and reports no problem', () => {
    // Arrange
    const dir = join(root, 'a', 'b');

    // Act
    const problem = checkDataDir(dir);

    // Assert
    expect(problem).toBeUndefined();
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('refuses a file in place of the directory and leaves it alone', () => {
    // Arrange
    const file = join(root, 'not-a-dir');
    writeFileSync(file, 'keep me');

    // Act
    const problem = checkDataDir(file);

    // Assert
    expect(problem).toEqual({ kind: 'notDirectory' });
    expect(statSync(file).isFile()).toBe(true);
  });

  it('reports a directory below a file as unreadable by default, as uncreatable when that stat failure means missing', () => {
    // Arrange
    const file = join(root, 'file');
    writeFileSync(file, '');
    const below = join(file, 'data');

    // Act
    const byDefault = checkDataDir(below);
    const treatedAsMissing = checkDataDir(below, { missingOn: (code) => code === 'ENOENT' || code === 'ENOTDIR' });

    // Assert
    expect(byDefault).toMatchObject({ kind: 'unreadable', cause: { code: 'ENOTDIR' } });
    expect(treatedAsMissing).toMatchObject({ kind: 'uncreatable', cause: { code: 'ENOTDIR' } });
    expect(existsSync(below)).toBe(false);
  });
});
