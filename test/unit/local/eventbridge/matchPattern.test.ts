import { describe, expect, it } from 'vitest';
import {
  compileEventPattern,
  InvalidEventPatternError,
  matchPattern,
  validateEventPattern,
} from '../../../../local/eventbridge/index.ts';
import { topology } from './support.ts';

const event = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'invoice.posting',
  source: 'bems.invoices',
  account: '000000000000',
  time: '2026-11-28T09:30:01Z',
  region: 'eu-west-1',
  resources: ['arn:aws:ec2:eu-west-1:000000000000:instance/i-1'],
  detail,
  ...extra,
});

describe('matchPattern', () => {
  describe('the stage rules of the cell topology', () => {
    it('routes each detail type to exactly its own stage rule', () => {
      for (const stage of topology.stages) {
        const matching = topology.stages.filter((rule) =>
          matchPattern(rule.eventPattern, event({}, { 'detail-type': `invoice.${stage.stage}` })),
        );
        expect(matching.map((rule) => rule.stage)).toEqual([stage.stage]);
      }
    });

    it('ignores events from another source', () => {
      const [posting] = topology.stages.filter((s) => s.stage === 'posting');
      expect(matchPattern(posting!.eventPattern, event({}, { source: 'other.system' }))).toBe(false);
    });
  });

  describe('exact values', () => {
    it('treats an array of values as OR and requires every key (AND)', () => {
      const pattern = { source: ['a', 'bems.invoices'], detail: { status: ['posted', 'failed'] } };
      expect(matchPattern(pattern, event({ status: 'posted' }))).toBe(true);
      expect(matchPattern(pattern, event({ status: 'reversed' }))).toBe(false);
      expect(matchPattern(pattern, event({}))).toBe(false);
    });

    it('distinguishes numbers from strings and matches booleans and null', () => {
      expect(matchPattern({ detail: { n: [5] } }, event({ n: 5 }))).toBe(true);
      expect(matchPattern({ detail: { n: [5] } }, event({ n: '5' }))).toBe(false);
      expect(matchPattern({ detail: { n: ['5'] } }, event({ n: 5 }))).toBe(false);
      expect(matchPattern({ detail: { ok: [true] } }, event({ ok: true }))).toBe(true);
      expect(matchPattern({ detail: { ok: [true] } }, event({ ok: 'true' }))).toBe(false);
      expect(matchPattern({ detail: { v: [null] } }, event({ v: null }))).toBe(true);
      expect(matchPattern({ detail: { v: [null] } }, event({}))).toBe(false);
    });

    it('matches an event array when any element matches', () => {
      expect(matchPattern({ resources: ['arn:aws:ec2:eu-west-1:000000000000:instance/i-1'] }, event({}))).toBe(true);
      expect(matchPattern({ detail: { tags: ['b'] } }, event({ tags: ['a', 'b'] }))).toBe(true);
      expect(matchPattern({ detail: { tags: ['c'] } }, event({ tags: ['a', 'b'] }))).toBe(false);
    });

    it('matches nested objects at any depth', () => {
      const pattern = { detail: { vendor: { country: ['DE'] } } };
      expect(matchPattern(pattern, event({ vendor: { country: 'DE' } }))).toBe(true);
      expect(matchPattern(pattern, event({ vendor: { country: 'FR' } }))).toBe(false);
      expect(matchPattern(pattern, event({ vendor: 'DE' }))).toBe(false);
    });

    it('matches a nested pattern within one element of an array of objects', () => {
      const pattern = { detail: { lines: { sku: ['A'], qty: [2] } } };
      expect(
        matchPattern(
          pattern,
          event({
            lines: [
              { sku: 'B', qty: 2 },
              { sku: 'A', qty: 2 },
            ],
          }),
        ),
      ).toBe(true);
      expect(
        matchPattern(
          pattern,
          event({
            lines: [
              { sku: 'A', qty: 1 },
              { sku: 'B', qty: 2 },
            ],
          }),
        ),
      ).toBe(false);
    });
  });

  describe('string match types', () => {
    it('matches prefix and suffix, optionally ignoring case', () => {
      expect(matchPattern({ detail: { id: [{ prefix: 'INV-' }] } }, event({ id: 'INV-42' }))).toBe(true);
      expect(matchPattern({ detail: { id: [{ prefix: 'INV-' }] } }, event({ id: 'inv-42' }))).toBe(false);
      expect(
        matchPattern({ detail: { id: [{ prefix: { 'equals-ignore-case': 'INV-' } }] } }, event({ id: 'inv-42' })),
      ).toBe(true);
      expect(matchPattern({ detail: { file: [{ suffix: '.png' }] } }, event({ file: 'a.png' }))).toBe(true);
      expect(
        matchPattern({ detail: { file: [{ suffix: { 'equals-ignore-case': '.PNG' } }] } }, event({ file: 'a.png' })),
      ).toBe(true);
      expect(matchPattern({ detail: { id: [{ prefix: 'INV' }] } }, event({ id: 7 }))).toBe(false);
    });

    it('matches equals-ignore-case', () => {
      expect(matchPattern({ detail: { c: [{ 'equals-ignore-case': 'eur' }] } }, event({ c: 'EUR' }))).toBe(true);
      expect(matchPattern({ detail: { c: [{ 'equals-ignore-case': 'eur' }] } }, event({ c: 'USD' }))).toBe(false);
    });

    it('matches wildcards with escapes', () => {
      const pattern = { detail: { key: [{ wildcard: 'invoices/*/2026-*.json' }] } };
      expect(matchPattern(pattern, event({ key: 'invoices/acme/2026-11.json' }))).toBe(true);
      expect(matchPattern(pattern, event({ key: 'invoices/acme/2025-11.json' }))).toBe(false);
      expect(matchPattern({ detail: { k: [{ wildcard: 'a\\*b' }] } }, event({ k: 'a*b' }))).toBe(true);
      expect(matchPattern({ detail: { k: [{ wildcard: 'a\\*b' }] } }, event({ k: 'axb' }))).toBe(false);
      expect(matchPattern({ detail: { k: [{ wildcard: 'a.c' }] } }, event({ k: 'abc' }))).toBe(false);
    });
  });

  describe('anything-but', () => {
    it('excludes one value or a list, but needs the field to be present', () => {
      expect(matchPattern({ detail: { s: [{ 'anything-but': 'posted' }] } }, event({ s: 'failed' }))).toBe(true);
      expect(matchPattern({ detail: { s: [{ 'anything-but': 'posted' }] } }, event({ s: 'posted' }))).toBe(false);
      expect(matchPattern({ detail: { s: [{ 'anything-but': ['a', 'b'] }] } }, event({ s: 'b' }))).toBe(false);
      expect(matchPattern({ detail: { s: [{ 'anything-but': ['a', 'b'] }] } }, event({ s: 'c' }))).toBe(true);
      expect(matchPattern({ detail: { n: [{ 'anything-but': [1, 2] }] } }, event({ n: 3 }))).toBe(true);
      expect(matchPattern({ detail: { s: [{ 'anything-but': 'posted' }] } }, event({}))).toBe(false);
    });

    it('supports prefix, suffix, equals-ignore-case and wildcard exclusions', () => {
      expect(matchPattern({ detail: { s: [{ 'anything-but': { prefix: 'test-' } }] } }, event({ s: 'test-1' }))).toBe(
        false,
      );
      expect(matchPattern({ detail: { s: [{ 'anything-but': { prefix: 'test-' } }] } }, event({ s: 'prod-1' }))).toBe(
        true,
      );
      expect(matchPattern({ detail: { s: [{ 'anything-but': { suffix: '.tmp' } }] } }, event({ s: 'a.tmp' }))).toBe(
        false,
      );
      expect(
        matchPattern({ detail: { s: [{ 'anything-but': { 'equals-ignore-case': ['X', 'Y'] } }] } }, event({ s: 'y' })),
      ).toBe(false);
      expect(matchPattern({ detail: { s: [{ 'anything-but': { wildcard: '*.log' } }] } }, event({ s: 'a.txt' }))).toBe(
        true,
      );
    });
  });

  describe('exists', () => {
    it('matches presence or absence of a leaf; an object-valued field counts as absent', () => {
      expect(matchPattern({ detail: { x: [{ exists: true }] } }, event({ x: 'v' }))).toBe(true);
      expect(matchPattern({ detail: { x: [{ exists: true }] } }, event({}))).toBe(false);
      expect(matchPattern({ detail: { x: [{ exists: false }] } }, event({}))).toBe(true);
      expect(matchPattern({ detail: { x: [{ exists: false }] } }, event({ x: 0 }))).toBe(false);
      expect(matchPattern({ detail: { x: [{ exists: false }] } }, event({ x: { y: 1 } }))).toBe(true);
      expect(matchPattern({ 'replay-name': [{ exists: false }] }, event({}))).toBe(true);
      expect(matchPattern({ 'replay-name': [{ exists: false }] }, event({}, { 'replay-name': 'r1' }))).toBe(false);
    });
  });

  describe('numeric', () => {
    it('matches ranges and equality on JSON numbers only', () => {
      const range = { detail: { amount: [{ numeric: ['>', 0, '<=', 100] }] } };
      expect(matchPattern(range, event({ amount: 100 }))).toBe(true);
      expect(matchPattern(range, event({ amount: 0 }))).toBe(false);
      expect(matchPattern(range, event({ amount: 100.5 }))).toBe(false);
      expect(matchPattern(range, event({ amount: '50' }))).toBe(false);
      expect(matchPattern({ detail: { n: [{ numeric: ['=', 3.5] }] } }, event({ n: 3.5 }))).toBe(true);
      expect(matchPattern({ detail: { n: [{ numeric: ['>=', 10] }] } }, event({ n: 9.99 }))).toBe(false);
    });
  });

  describe('cidr', () => {
    it('matches IPv4 and IPv6 addresses in a block', () => {
      expect(matchPattern({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, event({ ip: '10.0.0.17' }))).toBe(true);
      expect(matchPattern({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, event({ ip: '10.0.1.17' }))).toBe(false);
      expect(matchPattern({ detail: { ip: [{ cidr: '2001:db8::/32' }] } }, event({ ip: '2001:db8::1' }))).toBe(true);
      expect(matchPattern({ detail: { ip: [{ cidr: '2001:db8::/32' }] } }, event({ ip: '10.0.0.1' }))).toBe(false);
    });
  });

  describe('$or', () => {
    it('matches when any alternative matches, alongside the other keys', () => {
      const pattern = {
        source: ['bems.invoices'],
        $or: [{ detail: { status: ['failed'] } }, { detail: { amount: [{ numeric: ['>', 1000] }] } }],
      };
      expect(matchPattern(pattern, event({ status: 'failed', amount: 1 }))).toBe(true);
      expect(matchPattern(pattern, event({ status: 'posted', amount: 5000 }))).toBe(true);
      expect(matchPattern(pattern, event({ status: 'posted', amount: 5 }))).toBe(false);
      expect(matchPattern(pattern, event({ status: 'failed' }, { source: 'x' }))).toBe(false);
    });
  });

  describe('validation', () => {
    it('accepts every pattern the topology produces', () => {
      for (const stage of topology.stages) expect(validateEventPattern(stage.eventPattern)).toEqual([]);
    });

    it('reports every problem of an invalid pattern at once, with its path', () => {
      const problems = validateEventPattern({
        source: 'bems.invoices',
        detail: { amount: [{ numeric: ['>', 'x'] }], tags: [], status: [{ unknown: 1 }] },
      });
      expect(problems).toEqual([
        // event-ruler's messages, which EventBridge returns
        'source: "source" must be an object or an array',
        'detail.amount[0]: Value of > must be numeric',
        'detail.tags: Empty arrays are not allowed',
        'detail.status[0]: Unrecognized match type unknown',
      ]);
    });

    it('refuses non-object and empty patterns, bad ranges, CIDRs and wildcards', () => {
      expect(validateEventPattern([])).toHaveLength(1);
      expect(validateEventPattern({})).toHaveLength(1);
      expect(validateEventPattern({ a: [{ numeric: ['<', 5, '>', 1] }] })).toHaveLength(1);
      expect(validateEventPattern({ a: [{ cidr: '10.0.0.0/99' }] })).toHaveLength(1);
      expect(validateEventPattern({ a: [{ wildcard: 'a**b' }] })).toHaveLength(1);
      expect(validateEventPattern({ a: [{ exists: 'yes' }] })).toHaveLength(1);
    });

    it('throws InvalidEventPatternError from compileEventPattern', () => {
      expect(() => compileEventPattern({ source: 'x' })).toThrow(InvalidEventPatternError);
      expect(() => compileEventPattern({ source: 'x' })).toThrow(/Event pattern is not valid/);
    });
  });
});
