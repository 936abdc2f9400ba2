/**
 * The routing information of Firehose's JSONQuery method for Iceberg destinations: a
 * `MetadataExtraction` processor whose `MetadataExtractionQuery` is a JQ expression building
 * `{destinationDatabaseName, destinationTableName, operation}` from each record.
 *
 * The emulator evaluates the subset of JQ such queries are written in: one object whose values
 * are string literals or paths into the record, e.g.
 * `{destinationDatabaseName: "analytics", destinationTableName: .kind, operation: "update"}`.
 * Anything else is refused when the stream is created, so a query is never half understood.
 */

export type RoutingValue = { readonly literal: string } | { readonly path: readonly string[] };
export type RoutingQuery = ReadonlyArray<{ readonly key: string; readonly value: RoutingValue }>;

/** The keys Firehose reads from the query's result. */
export const ROUTING_KEYS = ['destinationDatabaseName', 'destinationTableName', 'operation'] as const;

const TOKEN =
  /\s*(?:(?<punct>[{}:,])|(?<string>"(?:[^"\\]|\\.)*")|(?<path>(?:\.[A-Za-z_][A-Za-z0-9_]*)+)|(?<ident>[A-Za-z_][A-Za-z0-9_]*))/y;

interface Token {
  readonly kind: 'punct' | 'string' | 'path' | 'ident';
  readonly text: string;
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < query.length) {
    if (query.slice(TOKEN.lastIndex).trim() === '') break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(query);
    if (!match?.groups) throw new SyntaxError(`unsupported JQ at offset ${at}: '${query.slice(at, at + 20)}'`);
    const [kind, text] = Object.entries(match.groups).find(([, value]) => value !== undefined)!;
    tokens.push({ kind: kind as Token['kind'], text: text! });
  }
  return tokens;
}

/** Parses a MetadataExtractionQuery; throws a SyntaxError naming what the emulator cannot evaluate. */
export function parseRoutingQuery(query: string): RoutingQuery {
  const tokens = tokenize(query);
  let next = 0;
  const take = (): Token => {
    const token = tokens[next++];
    if (!token) throw new SyntaxError('unexpected end of the query');
    return token;
  };
  const expect = (text: string): void => {
    const token = take();
    if (token.text !== text) throw new SyntaxError(`expected '${text}', found '${token.text}'`);
  };
  expect('{');
  const entries: Array<{ key: string; value: RoutingValue }> = [];
  if (tokens[next]?.text === '}') next += 1;
  else {
    for (;;) {
      const keyToken = take();
      if (keyToken.kind !== 'ident' && keyToken.kind !== 'string') {
        throw new SyntaxError(`expected an object key, found '${keyToken.text}'`);
      }
      const key = keyToken.kind === 'string' ? (JSON.parse(keyToken.text) as string) : keyToken.text;
      expect(':');
      const valueToken = take();
      if (valueToken.kind === 'string')
        entries.push({ key, value: { literal: JSON.parse(valueToken.text) as string } });
      else if (valueToken.kind === 'path') entries.push({ key, value: { path: valueToken.text.slice(1).split('.') } });
      else throw new SyntaxError(`the value of '${key}' must be a string literal or a .path`);
      const separator = take();
      if (separator.text === '}') break;
      if (separator.text !== ',') throw new SyntaxError(`expected ',' or '}', found '${separator.text}'`);
    }
  }
  if (next !== tokens.length) throw new SyntaxError(`unexpected '${tokens[next]!.text}' after the object`);
  return entries;
}

/** The query's result for one record: a path that does not resolve gives `null`, as in JQ. */
export function evaluateRoutingQuery(query: RoutingQuery, record: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of query) {
    if ('literal' in value) {
      result[key] = value.literal;
      continue;
    }
    let current: unknown = record;
    for (const step of value.path) {
      current =
        typeof current === 'object' && current !== null && !Array.isArray(current)
          ? (current as Record<string, unknown>)[step]
          : undefined;
    }
    result[key] = current ?? null;
  }
  return result;
}
