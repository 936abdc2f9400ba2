import { ValidationError } from '../errors.ts';
import type { AttributeValue } from '../expressions/attributeValues.ts';

/**
 * A parser of the PartiQL subset this emulator runs: `INSERT INTO table VALUE {tuple}`, the
 * statement DynamoDB's PartiQL uses to add an item only if its key is free. Keywords are
 * case-insensitive; the table is a bare or double-quoted identifier; the tuple's attribute names are
 * single-quoted strings; values are `?` (the statement's `Parameters`, in order), single-quoted
 * strings (`''` escapes a quote), numbers, `TRUE`/`FALSE`, `NULL`, nested tuples (maps), `[…]`
 * lists and `<<…>>` sets of strings or numbers. Anything else is refused with a ValidationException
 * in DynamoDB's wording, never guessed at.
 */

export type PartiQLValue =
  | { readonly kind: 'parameter'; readonly index: number }
  | { readonly kind: 'literal'; readonly value: AttributeValue }
  | { readonly kind: 'tuple'; readonly entries: readonly (readonly [string, PartiQLValue])[] }
  | { readonly kind: 'list'; readonly items: readonly PartiQLValue[] };

export interface InsertStatement {
  readonly kind: 'insert';
  readonly table: string;
  readonly item: readonly (readonly [string, PartiQLValue])[];
  /** How many `?` the statement holds: `Parameters` must have exactly that many. */
  readonly parameterCount: number;
}

type TokenType = 'punct' | 'string' | 'identifier' | 'number' | 'word';
interface Token {
  readonly type: TokenType;
  readonly text: string;
  readonly at: number;
}

/** DynamoDB's wording for a statement it cannot parse. */
export function malformedStatement(detail: string): ValidationError {
  return new ValidationError(`Statement wasn't well formed, can't be processed: ${detail}`);
}

const OTHER_STATEMENTS = ['SELECT', 'UPDATE', 'DELETE', 'EXISTS'];
const PUNCTUATION = ['<<', '>>', '{', '}', '[', ']', ',', ':', '?'];
const NUMBER = /-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Reads a `quote`-delimited text starting at `start`, where a doubled quote stands for one. */
function quoted(source: string, start: number, quote: string): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  for (;;) {
    const close = source.indexOf(quote, i);
    if (close < 0) throw malformedStatement(`unterminated quoted text at position ${start + 1}`);
    text += source.slice(i, close);
    if (source[close + 1] !== quote) return { text, end: close + 1 };
    text += quote;
    i = close + 2;
  }
}

/** A number or a word starting at `at`, if one does. */
function readPattern(source: string, at: number): Token | undefined {
  for (const [type, pattern] of [
    ['number', NUMBER],
    ['word', WORD],
  ] as const) {
    pattern.lastIndex = at;
    const match = pattern.exec(source);
    if (match) return { type, text: match[0], at };
  }
  return undefined;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const { text, end } = quoted(source, i, c);
      tokens.push({ type: c === "'" ? 'string' : 'identifier', text, at: i });
      i = end;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punct) {
      tokens.push({ type: 'punct', text: punct, at: i });
      i += punct.length;
      continue;
    }
    const word = readPattern(source, i);
    if (!word) throw malformedStatement(`unexpected character '${c}' at position ${i + 1}`);
    tokens.push(word);
    i += word.text.length;
  }
  return tokens;
}

/** A recursive-descent parser over one statement's tokens; counts `?` as it meets them. */
class StatementParser {
  #position = 0;
  #parameters = 0;
  readonly #tokens: Token[];

  constructor(source: string) {
    this.#tokens = tokenize(source);
  }

  insert(): InsertStatement {
    this.#keyword('INSERT');
    this.#keyword('INTO');
    const table = this.#next();
    if (table?.type !== 'identifier' && table?.type !== 'word') this.#fail(table);
    this.#keyword('VALUE');
    this.#punct('{');
    const item = this.#tupleEntries();
    if (this.#position < this.#tokens.length) this.#fail(this.#peek());
    return { kind: 'insert', table: table.text, item, parameterCount: this.#parameters };
  }

  /** After `{`: `'name' : value, …}`. */
  #tupleEntries(): [string, PartiQLValue][] {
    const entries: [string, PartiQLValue][] = [];
    const names = new Set<string>();
    if (this.#isPunct('}')) {
      this.#position++;
      return entries;
    }
    for (;;) {
      const name = this.#next();
      if (name?.type !== 'string') this.#fail(name);
      if (names.has(name.text)) throw malformedStatement(`duplicate attribute name '${name.text}'`);
      names.add(name.text);
      this.#punct(':');
      entries.push([name.text, this.#value()]);
      if (this.#isPunct('}')) {
        this.#position++;
        return entries;
      }
      this.#punct(',');
    }
  }

  #value(): PartiQLValue {
    const token = this.#next();
    if (!token) return this.#fail(token);
    if (token.type === 'string') return { kind: 'literal', value: { S: token.text } };
    if (token.type === 'number') return { kind: 'literal', value: { N: token.text } };
    if (token.type === 'word') {
      const word = token.text.toUpperCase();
      if (word === 'TRUE' || word === 'FALSE') return { kind: 'literal', value: { BOOL: word === 'TRUE' } };
      if (word === 'NULL') return { kind: 'literal', value: { NULL: true } };
      return this.#fail(token);
    }
    if (token.type !== 'punct') return this.#fail(token);
    if (token.text === '?') return { kind: 'parameter', index: this.#parameters++ };
    if (token.text === '{') return { kind: 'tuple', entries: this.#tupleEntries() };
    if (token.text === '[') return { kind: 'list', items: this.#sequence(']', () => this.#value()) };
    if (token.text === '<<') return { kind: 'literal', value: this.#set(token) };
    return this.#fail(token);
  }

  /** `<<'a', 'b'>>` or `<<1, 2>>`: a string or number set, never empty or mixed. */
  #set(open: Token): AttributeValue {
    const members = this.#sequence('>>', () => {
      const token = this.#next();
      if (token?.type !== 'string' && token?.type !== 'number') return this.#fail(token);
      return token;
    });
    const types = new Set(members.map((m) => m.type));
    if (members.length === 0 || types.size !== 1) {
      throw malformedStatement(`a set must hold strings only or numbers only (at position ${open.at + 1})`);
    }
    const texts = members.map((m) => m.text);
    return types.has('string') ? { SS: texts } : { NS: texts };
  }

  /** Items up to `close`, separated by commas. */
  #sequence<T>(close: string, item: () => T): T[] {
    const items: T[] = [];
    if (this.#isPunct(close)) {
      this.#position++;
      return items;
    }
    for (;;) {
      items.push(item());
      if (this.#isPunct(close)) {
        this.#position++;
        return items;
      }
      this.#punct(',');
    }
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#position];
  }

  #next(): Token | undefined {
    return this.#tokens[this.#position++];
  }

  #isPunct(text: string): boolean {
    const token = this.#peek();
    return token?.type === 'punct' && token.text === text;
  }

  #punct(text: string): void {
    const token = this.#next();
    if (token?.type !== 'punct' || token.text !== text) this.#fail(token);
  }

  #keyword(word: string): void {
    const token = this.#next();
    if (token?.type !== 'word' || token.text.toUpperCase() !== word) this.#fail(token);
  }

  #fail(token: Token | undefined): never {
    throw malformedStatement(
      token ? `unexpected token '${token.text}' at position ${token.at + 1}` : 'unexpected end of statement',
    );
  }
}

/** Parses one statement; throws ValidationError (DynamoDB's wording) for anything outside the subset. */
export function parsePartiQL(statement: string): InsertStatement {
  if (statement.trim() === '') throw malformedStatement('the statement is empty');
  // Named before tokenizing: other statements hold tokens (`*`, `=`) this subset has no use for.
  const verb = /^\s*([A-Za-z]+)/.exec(statement)?.[1]?.toUpperCase();
  if (verb && OTHER_STATEMENTS.includes(verb)) {
    throw new ValidationError(`${verb} statements are not supported by this emulator (INSERT INTO … VALUE {…} is)`);
  }
  return new StatementParser(statement).insert();
}
