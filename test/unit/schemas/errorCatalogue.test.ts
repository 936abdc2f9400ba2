import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../cells/constructs/CellFunction.ts';
import { ERROR_CODES, ERROR_STATUSES, GATEWAY_RETRY_AFTER_SECONDS } from '../../../schemas/errorResponse.ts';

/** docs/ERRORS.md against the catalogue in schemas/errorResponse.ts: every code, its statuses, its retry advice. */

const ERRORS_MD = readFileSync(path.join(PROJECT_ROOT, 'docs', 'ERRORS.md'), 'utf8');

interface DocumentedCode {
  readonly statuses: number[];
  readonly retry: string;
}

/** The rows of the "The codes" table: `| \`CODE\` | 400, 502 | never | … |`. */
function documentedCodes(markdown: string): Map<string, DocumentedCode> {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('The codes'));
  if (!section) throw new Error('docs/ERRORS.md has no "## The codes" section');
  const rows = new Map<string, DocumentedCode>();
  for (const line of section.split('\n')) {
    const cells = /^\| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \|/.exec(line);
    if (!cells) continue;
    const [, code, statuses, retry] = cells;
    if (rows.has(code!)) throw new Error(`${code} is documented twice`);
    rows.set(code!, { statuses: statuses!.split(',').map((s) => Number(s.trim())), retry: retry!.trim() });
  }
  return rows;
}

describe('docs/ERRORS.md', () => {
  const documented = documentedCodes(ERRORS_MD);

  it('documents every code of ERROR_CODES, and no code that is not in it', () => {
    expect([...documented.keys()].sort()).toEqual(Object.values(ERROR_CODES).sort());
  });

  it.each(Object.entries(ERROR_STATUSES))('gives %s its statuses and retry advice', (code, entry) => {
    expect(documented.get(code)).toEqual({ statuses: [...entry.statuses], retry: entry.retry });
  });

  it("states API Gateway's fixed Retry-After values", () => {
    expect(ERRORS_MD).toMatch(new RegExp(`\`THROTTLED\`\\s+says ${GATEWAY_RETRY_AFTER_SECONDS.THROTTLED} s,`));
    expect(ERRORS_MD).toMatch(new RegExp(`\`QUOTA_EXCEEDED\`\\s+${GATEWAY_RETRY_AFTER_SECONDS.QUOTA_EXCEEDED} s`));
  });

  it('finds the rows it checks (the parser fails on a table it does not understand)', () => {
    expect(documentedCodes('## The codes\n| `A_B` | 400, 502 | never | x | y |\n')).toEqual(
      new Map([['A_B', { statuses: [400, 502], retry: 'never' }]]),
    );
    expect(() => documentedCodes('## Other\n')).toThrow(/no "## The codes"/);
  });
});
