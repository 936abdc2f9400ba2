import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every link in the repository's Markdown stays inside the repository and points at something that
 * exists (issue 19: the README linked ../shared/DESIGN.md, which a clone does not have). Web links
 * (scheme://, mailto:) and in-page anchors are left alone.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], { cwd: ROOT })
  .toString()
  .split('\n')
  .filter((f) => f && !f.startsWith('node_modules/') && existsSync(resolve(ROOT, f)));

/** Inline links and images `[text](target)` and reference definitions `[id]: target`, outside code. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  return [...inline, ...references];
}

describe('links in the Markdown files', () => {
  it('finds the Markdown files', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/OPERATIONS.md');
  });

  it('reads inline links, images and reference definitions, not code', () => {
    expect(linkTargets('[a](../x.md) ![b](img.png "t") `[c](nope)`\n[d]: ./ref.md\n```\n[e](no)\n```')).toEqual([
      '../x.md',
      'img.png',
      './ref.md',
    ]);
  });

  it.each(files)('%s links only to files inside the repository that exist', (file) => {
    const problems: string[] = [];
    for (const target of linkTargets(readFileSync(resolve(ROOT, file), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const path = decodeURIComponent(target.split('#')[0]!.split('?')[0]!);
      const absolute = path.startsWith('/') ? path : resolve(ROOT, dirname(file), path);
      const inside = relative(ROOT, absolute);
      if (path.startsWith('/') || inside.startsWith('..')) problems.push(`${target}: outside the repository`);
      else if (!existsSync(absolute)) problems.push(`${target}: no such file`);
    }
    expect(problems).toEqual([]);
  });
});
