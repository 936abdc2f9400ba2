import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A checkout of another commit, for building its bundles beside the current ones: a detached
 * `git worktree` in a temporary directory with its own `npm ci`, removed by `remove()`.
 */
export interface BaseTree {
  readonly root: string;
  readonly commit: string;
  /** Runs a TypeScript file (copied into the tree, so it resolves the tree's packages) with the tree's tsx. */
  runScript(file: string, args: readonly string[]): string;
  remove(): void;
}

export function checkOutBase(repoRoot: string, commit: string, log: (line: string) => void): BaseTree {
  const resolved = git(repoRoot, ['rev-parse', '--verify', `${commit}^{commit}`]).trim();
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'bems-coldstart-base-')), 'tree');
  git(repoRoot, ['worktree', 'add', '--detach', root, resolved]);
  const remove = () => {
    git(repoRoot, ['worktree', 'remove', '--force', root]);
    rmSync(path.dirname(root), { recursive: true, force: true });
  };
  try {
    log(`base ${resolved.slice(0, 10)}: npm ci in ${root}`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch (error) {
    remove();
    throw error;
  }
  return {
    root,
    commit: resolved,
    runScript(file, args) {
      const copy = path.join(root, `.coldstart-${path.basename(file)}`);
      copyFileSync(file, copy);
      return execFileSync(path.join(root, 'node_modules/.bin/tsx'), [copy, ...args], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 16 * 1024 * 1024,
      });
    },
    remove,
  };
}

export function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
