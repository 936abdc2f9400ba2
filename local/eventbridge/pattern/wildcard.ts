/**
 * Wildcard values (`{"wildcard": "a*b"}`, `{"anything-but": {"wildcard": …}}`): parsing as
 * event-ruler's WildcardParser does, and the "too complex" check of its MachineComplexityEvaluator.
 */

/** A wildcard token: a byte, or {@link STAR} for `*`. */
const STAR = -1;
/** Stands for every byte no pattern names, when exploring the inputs a machine can see. */
const OTHER_BYTE = 256;

/**
 * The greatest complexity EventBridge accepts. AWS does not publish the number; event-ruler leaves
 * it to the service. A public report (vals-ai/Valkyrie#278) shows EventBridge accepting a rule with
 * three `"*:stack/<name>/*"` wildcards on one field (complexity 6 by this measure) and refusing it
 * with four (complexity 8) as "Rule is too complex"; 7 is the largest limit consistent with that.
 */
export const MAX_WILDCARD_COMPLEXITY = 7;
/** Exploration stops here; a machine this large is refused as too complex anyway. */
const MAX_EXPLORED_STATES = 20_000;

/**
 * The problem with a wildcard value, in event-ruler's words, or undefined. Positions count UTF-8
 * bytes of the value in quotes, as event-ruler's do (it parses `"` + value + `"`).
 */
export function wildcardProblem(text: string): string | undefined {
  const bytes = Buffer.from(`"${text}"`, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x2a && bytes[i + 1] === 0x2a) return `Consecutive wildcard characters at pos ${i}`;
    if (bytes[i] === 0x5c) {
      if (bytes[i + 1] !== 0x2a && bytes[i + 1] !== 0x5c) return `Invalid escape character at pos ${i}`;
      i++;
    }
  }
  return undefined;
}

/** A regular expression for a valid wildcard value: `*` is any run of characters, `\*` and `\\` literal. */
export function wildcardRegex(text: string): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      source += `\\${text[++i]}`;
    } else if (ch === '*') {
      source += '[\\s\\S]*';
    } else {
      source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** The tokens event-ruler's machine holds for a wildcard value: its UTF-8 bytes in quotes. */
export function quotedWildcardTokens(text: string): number[] {
  return wildcardTokens(`"${text}"`);
}

/** Tokens of a raw wildcard (no quotes added), escapes resolved. */
export function wildcardTokens(raw: string): number[] {
  const bytes = Buffer.from(raw, 'utf8');
  const tokens: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x2a) tokens.push(STAR);
    else if (bytes[i] === 0x5c) tokens.push(bytes[++i]!);
    else tokens.push(bytes[i]!);
  }
  return tokens;
}

/**
 * The complexity of one field's wildcard patterns, as event-ruler's MachineComplexityEvaluator
 * defines it: the most wildcard-pattern prefixes a single input value can match at once (a prefix
 * ending before or after a `*` both count). Each pattern is simulated as an NFA over its token
 * positions; the combined state sets reachable by some input are explored breadth-first. Returns
 * early once the count passes `cap`.
 */
export function wildcardComplexity(distinct: readonly (readonly number[])[], cap = MAX_WILDCARD_COMPLEXITY): number {
  const patterns = [...new Map(distinct.map((tokens) => [tokens.join(','), tokens])).values()];
  if (patterns.length === 0) return 0;
  const alphabet = new Set<number>([OTHER_BYTE]);
  for (const tokens of patterns) for (const t of tokens) if (t !== STAR) alphabet.add(t);
  const start = patterns.map((tokens) => closure(tokens, [0]));
  const seen = new Set<string>([keyOf(start)]);
  const queue = [start];
  let max = 0;
  while (queue.length) {
    const states = queue.shift()!;
    for (const byte of alphabet) {
      const next = states.map((positions, p) => step(patterns[p]!, positions, byte));
      const count = next.reduce((sum, positions) => sum + positions.filter((j) => j > 0).length, 0);
      if (count > cap) return count;
      max = Math.max(max, count);
      const key = keyOf(next);
      if (count === 0 || seen.has(key)) continue;
      if (seen.size >= MAX_EXPLORED_STATES) return cap + 1;
      seen.add(key);
      queue.push(next);
    }
  }
  return max;
}

/** Positions reachable after reading `byte`: a `*` loops on any byte, a literal advances on itself. */
function step(tokens: readonly number[], positions: readonly number[], byte: number): number[] {
  const next: number[] = [];
  for (const j of positions) {
    if (j > 0 && tokens[j - 1] === STAR) next.push(j);
    if (j < tokens.length && tokens[j] === byte) next.push(j + 1);
  }
  return closure(tokens, next);
}

/** Adds the positions after each `*` that follows an active position (a `*` may match nothing). */
function closure(tokens: readonly number[], positions: readonly number[]): number[] {
  const set = new Set(positions);
  for (const j of [...set].sort((a, b) => a - b)) {
    for (let k = j; k < tokens.length && tokens[k] === STAR; k++) set.add(k + 1);
  }
  return [...set].sort((a, b) => a - b);
}

function keyOf(states: readonly (readonly number[])[]): string {
  return states.map((positions) => positions.join(',')).join('|');
}
