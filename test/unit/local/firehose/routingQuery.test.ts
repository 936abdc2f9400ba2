import { describe, expect, it } from 'vitest';
import { evaluateRoutingQuery, parseRoutingQuery } from '../../../../local/firehose/routingQuery.ts';
import { icebergRoutingQuery } from '../../../../schemas/lakehouseTable.ts';

const RECORD = { kind: 'invoice', meta: { op: 'update', n: 3 } };

describe('Firehose JSONQuery routing (the JQ subset the emulator evaluates)', () => {
  it.each([
    ['{}', {}],
    ['{operation: "update"}', { operation: 'update' }],
    [
      '{ "destinationTableName" : .kind , operation: .meta.op }',
      { destinationTableName: 'invoice', operation: 'update' },
    ],
    ['{destinationTableName: .missing.path}', { destinationTableName: null }],
    ['{operation: .kind.deeper}', { operation: null }],
    ['{operation: "with \\"quotes\\""}', { operation: 'with "quotes"' }],
  ])('evaluates %s', (query, expected) => {
    expect(evaluateRoutingQuery(parseRoutingQuery(query), RECORD)).toEqual(expected);
  });

  it.each([
    '.kind',
    '{operation: .a | ascii_downcase}',
    '{operation: 1}',
    '{operation: "a" "b"}',
    '{operation: "a"',
    '{operation: "a"} | .',
  ])('refuses %s', (query) => {
    expect(() => parseRoutingQuery(query)).toThrow(SyntaxError);
  });

  it('writes a constant query that it reads back', () => {
    const query = icebergRoutingQuery({ database: 'db', table: 't', operation: 'update' });
    expect(evaluateRoutingQuery(parseRoutingQuery(query), {})).toEqual({
      destinationDatabaseName: 'db',
      destinationTableName: 't',
      operation: 'update',
    });
  });
});
