import { ValidationError } from '../errors.ts';
import { ParseCache } from '../ParseCache.ts';
import type { Comparator, Condition, Operand, Path, PathElement, SetValue, UpdateActions } from './expressionTree.ts';
import type { Placeholders } from './Placeholders.ts';

/**
 * Parser of DynamoDB expressions: ConditionExpression, UpdateExpression (SET and REMOVE) and
 * ProjectionExpression, with `#name` and `:value` placeholders resolved as it goes. Every placeholder
 * supplied must be used, as DynamoDB demands ({@link Placeholders.assertAllUsed}).
 */

type Token = { readonly type: 'punct' | 'name' | 'value' | 'word' | 'number'; readonly text: string };

const PUNCTUATION = ['<>', '<=', '>=', '(', ')', ',', '.', '[', ']', '=', '<', '>', '+', '-'];

function tokenize(expression: string, label: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const rest = expression.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => rest.startsWith(p));
    if (punct) {
      tokens.push({ type: 'punct', text: punct });
      i += punct.length;
      continue;
    }
    const match =
      /^#[A-Za-z0-9_]+/.exec(rest) ??
      /^:[A-Za-z0-9_]+/.exec(rest) ??
      /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest) ??
      /^\d+/.exec(rest);
    if (!match)
      throw new ValidationError(`Invalid ${label}: Syntax error; token: "${rest[0]}", near: "${rest.slice(0, 10)}"`);
    const text = match[0];
    const type = text.startsWith('#') ? 'name' : text.startsWith(':') ? 'value' : /^\d/.test(text) ? 'number' : 'word';
    tokens.push({ type, text });
    i += text.length;
  }
  return tokens;
}

/**
 * Tokens by expression text: clients send the same few expressions on every call (Powertools'
 * claim condition, …), and tokenizing is most of parsing. The tokens hold placeholders unresolved,
 * so they are the cacheable part; the tree is built per call, resolving the call's own placeholders.
 */
const TOKENS = new ParseCache<readonly Token[]>(512);

/** A recursive-descent parser over one expression's tokens. */
class Parser {
  private position = 0;
  private readonly tokens: readonly Token[];

  constructor(
    expression: string,
    private readonly label: string,
    private readonly placeholders: Placeholders,
  ) {
    if (expression.trim() === '') throw new ValidationError(`Invalid ${label}: The expression can not be empty;`);
    this.tokens = TOKENS.get(`${label}\u0000${expression}`, () => tokenize(expression, label));
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.type === 'word' && token.text.toUpperCase() === word;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token?.type === 'punct' && token.text === text;
  }

  private expectPunct(text: string): void {
    if (!this.isPunct(text)) this.fail();
    this.position++;
  }

  fail(): never {
    const token = this.peek();
    throw new ValidationError(
      token
        ? `Invalid ${this.label}: Syntax error; token: "${token.text}"`
        : `Invalid ${this.label}: Syntax error; the expression ended unexpectedly`,
    );
  }

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  condition(): Condition {
    return this.leftAssociative('OR', () => this.conjunction());
  }

  private conjunction(): Condition {
    return this.leftAssociative('AND', () => this.negation());
  }

  /** `operand (word operand)*`, grouped from the left (`a OR b OR c` is `(a OR b) OR c`). */
  private leftAssociative(word: 'AND' | 'OR', operand: () => Condition): Condition {
    const kind = word === 'AND' ? 'and' : 'or';
    let left = operand();
    while (this.isWord(word)) {
      this.position++;
      left = { kind, left, right: operand() };
    }
    return left;
  }

  private negation(): Condition {
    if (this.isWord('NOT')) {
      this.position++;
      return { kind: 'not', condition: this.negation() };
    }
    return this.primary();
  }

  private primary(): Condition {
    if (this.isPunct('(')) {
      this.position++;
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    const fn = this.functionCondition();
    if (fn) return fn;
    const left = this.operand();
    const token = this.peek();
    if (token?.type === 'punct' && ['=', '<>', '<', '<=', '>', '>='].includes(token.text)) {
      this.position++;
      return { kind: 'compare', op: token.text as Comparator, left, right: this.operand() };
    }
    if (this.isWord('BETWEEN')) {
      this.position++;
      const low = this.operand();
      if (!this.isWord('AND')) this.fail();
      this.position++;
      return { kind: 'between', operand: left, low, high: this.operand() };
    }
    if (this.isWord('IN')) {
      this.position++;
      this.expectPunct('(');
      const list = [this.operand()];
      while (this.isPunct(',')) {
        this.position++;
        list.push(this.operand());
      }
      this.expectPunct(')');
      return { kind: 'in', operand: left, list };
    }
    return this.fail();
  }

  private functionCondition(): Condition | undefined {
    const token = this.peek();
    const next = this.tokens[this.position + 1];
    if (token?.type !== 'word' || next?.text !== '(') return undefined;
    const name = token.text;
    if (!['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains'].includes(name)) {
      return undefined;
    }
    this.position += 2;
    const path = this.path();
    let condition: Condition;
    if (name === 'attribute_exists' || name === 'attribute_not_exists') {
      condition = { kind: name === 'attribute_exists' ? 'exists' : 'notExists', path };
    } else {
      this.expectPunct(',');
      const operand = this.operand();
      condition =
        name === 'attribute_type'
          ? { kind: 'type', path, type: operand }
          : { kind: name === 'begins_with' ? 'beginsWith' : 'contains', path, operand };
    }
    this.expectPunct(')');
    return condition;
  }

  operand(): Operand {
    const token = this.peek();
    if (token?.type === 'value') {
      this.position++;
      return { kind: 'value', value: this.placeholders.value(token.text) };
    }
    if (token?.type === 'word' && token.text === 'size' && this.tokens[this.position + 1]?.text === '(') {
      this.position += 2;
      const path = this.path();
      this.expectPunct(')');
      return { kind: 'size', path };
    }
    return { kind: 'path', path: this.path() };
  }

  path(): Path {
    const elements: PathElement[] = [this.pathName()];
    for (;;) {
      if (this.isPunct('.')) {
        this.position++;
        elements.push(this.pathName());
      } else if (this.isPunct('[')) {
        this.position++;
        const index = this.peek();
        if (index?.type !== 'number') this.fail();
        this.position++;
        this.expectPunct(']');
        elements.push({ index: Number(index.text) });
      } else {
        return elements;
      }
    }
  }

  private pathName(): PathElement {
    const token = this.peek();
    if (token?.type === 'name') {
      this.position++;
      return { name: this.placeholders.name(token.text) };
    }
    if (token?.type === 'word') {
      this.position++;
      return { name: token.text };
    }
    return this.fail();
  }

  projection(): Path[] {
    const paths = [this.path()];
    while (this.isPunct(',')) {
      this.position++;
      paths.push(this.path());
    }
    return paths;
  }

  update(): UpdateActions {
    const set: { path: Path; value: SetValue }[] = [];
    const remove: Path[] = [];
    const seen = new Set<string>();
    while (!this.atEnd()) {
      const clause = this.peek()?.text.toUpperCase();
      if (clause !== 'SET' && clause !== 'REMOVE') {
        if (clause === 'ADD' || clause === 'DELETE') {
          throw new ValidationError(
            `Invalid UpdateExpression: ${clause} is not supported by this emulator (SET and REMOVE are)`,
          );
        }
        this.fail();
      }
      if (seen.has(clause)) {
        throw new ValidationError(
          `Invalid UpdateExpression: The "${clause}" section can only be used once in an update expression;`,
        );
      }
      seen.add(clause);
      this.position++;
      do {
        if (this.isPunct(',')) this.position++;
        const path = this.path();
        if (clause === 'SET') {
          this.expectPunct('=');
          set.push({ path, value: this.setValue() });
        } else {
          remove.push(path);
        }
      } while (this.isPunct(','));
    }
    return { set, remove };
  }

  private setValue(): SetValue {
    const left = this.setTerm();
    if (this.isPunct('+') || this.isPunct('-')) {
      const kind = this.peek()!.text === '+' ? 'plus' : 'minus';
      this.position++;
      return { kind, left, right: this.setTerm() };
    }
    return left;
  }

  private setTerm(): SetValue {
    const token = this.peek();
    const next = this.tokens[this.position + 1];
    if (
      token?.type === 'word' &&
      next?.text === '(' &&
      (token.text === 'if_not_exists' || token.text === 'list_append')
    ) {
      this.position += 2;
      if (token.text === 'if_not_exists') {
        const path = this.path();
        this.expectPunct(',');
        const fallback = this.setTerm();
        this.expectPunct(')');
        return { kind: 'ifNotExists', path, fallback };
      }
      const left = this.setTerm();
      this.expectPunct(',');
      const right = this.setTerm();
      this.expectPunct(')');
      return { kind: 'listAppend', left, right };
    }
    return { kind: 'operand', operand: this.operand() };
  }
}

export function parseCondition(
  expression: string,
  placeholders: Placeholders,
  label = 'ConditionExpression',
): Condition {
  const parser = new Parser(expression, label, placeholders);
  const condition = parser.condition();
  if (!parser.atEnd()) parser.fail();
  return condition;
}

export function parseUpdate(expression: string, placeholders: Placeholders): UpdateActions {
  return new Parser(expression, 'UpdateExpression', placeholders).update();
}

export function parseProjection(expression: string, placeholders: Placeholders): Path[] {
  const parser = new Parser(expression, 'ProjectionExpression', placeholders);
  const paths = parser.projection();
  if (!parser.atEnd()) parser.fail();
  return paths;
}
