/**
 * The translation of Athena (Trino) and Timestream SQL into DuckDB's dialect, for the tests only:
 * the catalogue's queries stay in their own dialect, and each function DuckDB spells or means
 * differently is rewritten here — the same list as docs/QUERIES.md ("Dialect differences"). Calls
 * are rewritten by parsing balanced parentheses, so nested calls (`bin(ago(14d), 15m)`) translate.
 */

/** Rewrites every call `name(args…)` (a whole word, outside string literals) with `rewrite(args)`. */
export function rewriteCalls(sql: string, name: string, rewrite: (args: string[]) => string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'") {
      const end = sql.indexOf("'", i + 1);
      out += sql.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const isCall = sql.startsWith(`${name}(`, i) && (i === 0 || !/[\w.:]/.test(sql[i - 1]!));
    if (!isCall) {
      out += ch;
      i += 1;
      continue;
    }
    const { args, end } = callArguments(sql, i + name.length);
    out += rewrite(args.map((arg) => rewriteCalls(arg, name, rewrite)));
    i = end;
  }
  return out;
}

/** The top-level, comma-separated arguments of the call whose '(' is at `open`, and the index after its ')'. */
function callArguments(sql: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'") i = sql.indexOf("'", i + 1);
    else if (ch === '(') depth += 1;
    else if (ch === ')' && --depth === 0) {
      args.push(sql.slice(start, i).trim());
      return { args, end: i + 1 };
    } else if (ch === ',' && depth === 1) {
      args.push(sql.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new SyntaxError(`unbalanced call at ${open}`);
}

/** DuckDB's timestamp literal of an instant (UTC). */
function timestampLiteral(epochMs: number): string {
  return `TIMESTAMP '${new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/**
 * Athena (Trino) → DuckDB. `nowMs` is the clock the query runs at: DuckDB's now() is the wall clock
 * and cannot be set, so now() becomes a literal.
 */
export function athenaToDuckDb(sql: string, nowMs: number): string {
  let out = rewriteCalls(sql, 'now', () => timestampLiteral(nowMs));
  // Trino counts whole units between the two instants; DuckDB's date_diff counts unit boundaries
  // crossed (23:00 → 01:00 is 1 day), its date_sub counts whole units like Trino.
  out = rewriteCalls(out, 'date_diff', (args) => `date_sub(${args.join(', ')})`);
  // Trino's approx_percentile is a value of the set (an approximation of the nearest rank);
  // quantile_disc is that value exactly.
  out = rewriteCalls(out, 'approx_percentile', (args) => `quantile_disc(${args.join(', ')})`);
  // sequence(start, stop, step) of timestamps: DuckDB's generate_series (both ends included).
  out = rewriteCalls(out, 'sequence', (args) => `generate_series(${args.join(', ')})`);
  // Seconds since the epoch as a double.
  out = rewriteCalls(out, 'to_unixtime', ([t]) => `epoch(${t})`);
  return out;
}

const TIMESTREAM_UNITS: Record<string, string> = { d: 'DAY', h: 'HOUR', m: 'MINUTE', s: 'SECOND', ms: 'MILLISECOND' };

/** A Timestream interval literal (`15m`, `900s`, `14d`) as a DuckDB interval, or undefined. */
function timestreamInterval(text: string): string | undefined {
  const match = /^(\d+)(ms|d|h|m|s)$/.exec(text.trim());
  return match ? `INTERVAL ${match[1]} ${TIMESTREAM_UNITS[match[2]!]}` : undefined;
}

/** Timestream → DuckDB: Timestream's own functions first, then the Trino functions it shares with Athena. */
export function timestreamToDuckDb(sql: string, nowMs: number): string {
  // ago(14d): now minus an interval literal.
  let out = rewriteCalls(sql, 'ago', ([d]) => `(now() - ${timestreamInterval(d!)})`);
  // bin(t, 15m): the start of t's interval, aligned to the epoch. time_bucket aligns to
  // 2000-01-03 00:00, the same grid for every interval that divides a day.
  out = rewriteCalls(out, 'bin', ([t, d]) => `time_bucket(${timestreamInterval(d!)}, ${t})`);
  // The step of sequence() is an interval literal too.
  out = rewriteCalls(out, 'sequence', ([a, b, d]) => `sequence(${a}, ${b}, ${timestreamInterval(d!) ?? d})`);
  out = rewriteCalls(out, 'from_milliseconds', ([ms]) => `epoch_ms(CAST(${ms} AS BIGINT))`);
  out = rewriteCalls(out, 'to_milliseconds', ([t]) => `epoch_ms(${t})`);
  return athenaToDuckDb(out, nowMs);
}
