import type { Condition, NumberOperator } from './condition.ts';
import { evaluateCondition } from './evaluateCondition.ts';

/**
 * Parses a CloudWatch Logs JSON filter pattern — `{ ($.eventName = "X") && ($.errorCode = "*Unauthorized*") }`
 * — into a condition (AWS "Filter pattern syntax for metric filters"): selectors `$.a.b[0]`;
 * `=`, `!=` on strings (quoted, or unquoted words such as `123.123.*`), `=`, `!=`, `<`, `>`, `<=`,
 * `>=` on numbers; `NOT EXISTS`, `IS NULL`, `IS TRUE`, `IS FALSE`; `&&`, `||` and parentheses,
 * `&&` binding tighter than `||`. Anything else is refused with its position.
 */
export function parseFilterPattern(pattern: string): Condition {
  const parser = new Parser(tokenize(pattern), pattern);
  parser.expect('{');
  const condition = parser.orExpression();
  parser.expect('}');
  parser.expectEnd();
  return condition;
}

/** Whether a JSON log event matches a filter pattern, as CloudWatch Logs would decide. */
export function matchesFilterPattern(pattern: string, event: unknown): boolean {
  return evaluateCondition(parseFilterPattern(pattern), event);
}

export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

type Token =
  | { readonly type: 'punct'; readonly text: string; readonly at: number }
  | { readonly type: 'selector' | 'word'; readonly text: string; readonly at: number }
  | { readonly type: 'string'; readonly text: string; readonly at: number };

const PUNCTUATION = ['&&', '||', '!=', '<=', '>=', '{', '}', '(', ')', '=', '<', '>'];

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const punct = PUNCTUATION.find((p) => pattern.startsWith(p, i));
    if (punct) {
      tokens.push({ type: 'punct', text: punct, at: i });
      i += punct.length;
    } else if (ch === '"') {
      const { value, end } = readString(pattern, i);
      tokens.push({ type: 'string', text: value, at: i });
      i = end;
    } else {
      const word = /^[^\s{}()=!<>&|"]+/.exec(pattern.slice(i))![0];
      tokens.push({ type: word.startsWith('$') ? 'selector' : 'word', text: word, at: i });
      i += word.length;
    }
  }
  return tokens;
}

function readString(pattern: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) value += pattern[++i];
    else if (ch === '"') return { value, end: i + 1 };
    else value += ch;
  }
  throw new FilterPatternError(`unterminated string at ${start} in ${pattern}`);
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const SELECTOR = /^\$(\.[A-Za-z_@][A-Za-z0-9_@-]*|\[\d+\])+$/;

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  orExpression(): Condition {
    const terms = [this.andExpression()];
    while (this.accept('||')) terms.push(this.andExpression());
    return terms.length === 1 ? terms[0]! : { kind: 'or', conditions: terms };
  }

  private andExpression(): Condition {
    const terms = [this.primary()];
    while (this.accept('&&')) terms.push(this.primary());
    return terms.length === 1 ? terms[0]! : { kind: 'and', conditions: terms };
  }

  private primary(): Condition {
    if (this.accept('(')) {
      const inner = this.orExpression();
      this.expect(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const token = this.next('a selector such as $.eventName');
    if (token.type !== 'selector' || !SELECTOR.test(token.text)) this.fail(token, 'a selector such as $.eventName');
    const selector = token.text;
    const keyword = this.peek();
    if (keyword?.type === 'word' && (keyword.text === 'NOT' || keyword.text === 'IS')) {
      this.position++;
      const what = this.next('EXISTS, NULL, TRUE or FALSE');
      if (keyword.text === 'NOT' && what.text === 'EXISTS') return { kind: 'notExists', selector };
      if (keyword.text === 'IS' && what.text === 'NULL') return { kind: 'isNull', selector };
      if (keyword.text === 'IS' && (what.text === 'TRUE' || what.text === 'FALSE'))
        return { kind: 'boolean', selector, value: what.text === 'TRUE' };
      this.fail(what, 'NOT EXISTS, IS NULL, IS TRUE or IS FALSE');
    }
    const operator = this.next('a comparison operator');
    if (operator.type !== 'punct' || !['=', '!=', '<', '>', '<=', '>='].includes(operator.text))
      this.fail(operator, 'a comparison operator');
    const value = this.next('a value');
    if (value.type === 'word' && NUMBER.test(value.text))
      return { kind: 'number', selector, operator: operator.text as NumberOperator, value: Number(value.text) };
    if (value.type !== 'string' && value.type !== 'word') this.fail(value, 'a value');
    if (operator.text !== '=' && operator.text !== '!=') this.fail(operator, '= or != before a string');
    return { kind: 'string', selector, operator: operator.text, value: value.text };
  }

  expect(text: string): void {
    const token = this.next(`"${text}"`);
    if (token.type !== 'punct' || token.text !== text) this.fail(token, `"${text}"`);
  }

  expectEnd(): void {
    const extra = this.peek();
    if (extra) this.fail(extra, 'the end of the pattern');
  }

  private accept(text: string): boolean {
    const token = this.peek();
    if (token?.type === 'punct' && token.text === text) {
      this.position++;
      return true;
    }
    return false;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(expected: string): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new FilterPatternError(`expected ${expected} at the end of ${this.source}`);
    return token;
  }

  private fail(token: Token, expected: string): never {
    throw new FilterPatternError(`expected ${expected} at ${token.at}, found "${token.text}" in ${this.source}`);
  }
}
