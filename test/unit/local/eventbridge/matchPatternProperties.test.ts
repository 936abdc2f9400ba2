import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEventPattern } from '../../../../local/eventbridge/index.ts';

/** Invariants of the matcher over generated events and patterns. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const key = fc.constantFrom('a', 'b', 'c', 'd');
const scalar = fc.oneof(
  fc.constantFrom('x', 'y', 'X', ''),
  fc.integer({ min: -5, max: 5 }),
  fc.boolean(),
  fc.constant(null),
);
const { value: jsonValue } = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
}));
const event = fc.dictionary(key, jsonValue, { minKeys: 1, maxKeys: 4 });

/** Every (dotted path, scalar) leaf reachable without crossing an array. */
function leaves(object: Record<string, Json>, prefix = ''): [string, Json][] {
  return Object.entries(object).flatMap(([k, v]): [string, Json][] => {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return leaves(v, path);
    return Array.isArray(v) ? [] : [[path, v]];
  });
}

/** The nested spelling of a dotted-path pattern. */
function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, values] of Object.entries(flat)) {
    const segments = path.split('.');
    let node = root;
    for (const segment of segments.slice(0, -1)) {
      node[segment] ??= {};
      node = node[segment] as Record<string, unknown>;
    }
    node[segments.at(-1)!] = values;
  }
  return root;
}

const leafPattern = fc.oneof(
  scalar.map((v) => [v]),
  fc.constantFrom('x', 'y').map((v) => [{ prefix: v }]),
  fc.constantFrom('x', 'y').map((v) => [{ 'anything-but': { prefix: v } }]),
  fc.boolean().map((exists) => [{ exists }]),
  fc.constant([{ numeric: ['>', 0] }]),
);
const flatPattern = fc.dictionary(fc.constantFrom('a', 'b', 'a.b', 'b.c', 'c.a.d'), leafPattern, {
  minKeys: 1,
  maxKeys: 3,
});

describe('matchPattern properties', () => {
  it('a pattern built from an event’s own leaf values matches it', () => {
    fc.assert(
      fc.property(event, (e) => {
        const own = leaves(e);
        fc.pre(own.length > 0);
        const pattern = nest(Object.fromEntries(own.map(([path, v]) => [path, [v]])));
        expect(compileEventPattern(pattern)(e)).toBe(true);
      }),
    );
  });

  it('anything-but [v] never matches a field holding v', () => {
    const excluded = fc.oneof(fc.constantFrom('x', 'y', ''), fc.integer({ min: -5, max: 5 }));
    fc.assert(
      fc.property(event, excluded, (e, v) => {
        const matches = compileEventPattern({ a: [{ 'anything-but': [v] }] });
        expect(matches({ ...e, a: v })).toBe(false);
      }),
    );
  });

  it('adding an $or alternative never removes a match', () => {
    fc.assert(
      fc.property(fc.array(flatPattern, { minLength: 3, maxLength: 4 }), event, (alternatives, e) => {
        const fewer = compileEventPattern({ $or: alternatives.slice(0, -1) });
        const more = compileEventPattern({ $or: alternatives });
        if (fewer(e)) expect(more(e)).toBe(true);
      }),
    );
  });

  it('dotted and nested spellings of a pattern match the same events', () => {
    fc.assert(
      fc.property(flatPattern, event, (flat, e) => {
        fc.pre(new Set(Object.keys(flat).map((p) => p.split('.')[0])).size === Object.keys(flat).length);
        expect(compileEventPattern(nest(flat))(e)).toBe(compileEventPattern(flat)(e));
      }),
    );
  });

  it('dotted and nested spellings of an event match the same patterns', () => {
    fc.assert(
      fc.property(flatPattern, event, (flat, e) => {
        fc.pre(!JSON.stringify(e).includes('['));
        const dotted = Object.fromEntries(leaves(e));
        expect(compileEventPattern(flat)(dotted)).toBe(compileEventPattern(flat)(e));
      }),
    );
  });
});
