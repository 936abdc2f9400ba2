import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../local/dynamodb/errors.ts';
import { bindInsert } from '../../../../local/dynamodb/partiql/bindInsert.ts';
import { parsePartiQL } from '../../../../local/dynamodb/partiql/parsePartiQL.ts';

const item = (statement: string, parameters = []) => bindInsert(parsePartiQL(statement), parameters);
const refusal = (statement: string) => {
  try {
    parsePartiQL(statement);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error(`parsed: ${statement}`);
};

describe('PartiQL INSERT parser', () => {
  it('reads the table, the tuple and its parameters in order, keywords in any case', () => {
    const statement = parsePartiQL(`insert INTO "bems-idempotency" value {'id': ?, 'status' : ?, 'n': ?}`);
    expect(statement).toMatchObject({ kind: 'insert', table: 'bems-idempotency', parameterCount: 3 });
    expect(bindInsert(statement, [{ S: 'k' }, { S: 'INPROGRESS' }, { N: '1' }] as never)).toEqual({
      id: { S: 'k' },
      status: { S: 'INPROGRESS' },
      n: { N: '1' },
    });
  });

  it('reads literals: strings with doubled quotes, numbers, booleans, NULL, maps, lists and sets', () => {
    expect(
      item(
        `INSERT INTO Music VALUE {'it''s': 'O''Brien', 'n': -1.5e3, 't': TRUE, 'f': false, 'z': NULL,` +
          ` 'm': {'inner': [1, 'two', {}]}, 'ss': <<'a', 'b'>>, 'ns': <<1, 2>>, 'l': []}`,
      ),
    ).toEqual({
      "it's": { S: "O'Brien" },
      n: { N: '-1.5e3' },
      t: { BOOL: true },
      f: { BOOL: false },
      z: { NULL: true },
      m: { M: { inner: { L: [{ N: '1' }, { S: 'two' }, { M: {} }] } } },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2'] },
      l: { L: [] },
    });
    expect(parsePartiQL(`INSERT INTO "we""ird" VALUE {'id': 'x'}`).table).toBe('we"ird');
  });

  it('refuses what does not parse, in DynamoDB wording, naming where', () => {
    expect(refusal(`INSERT INTO t VALUES {'id': 'x'}`)).toBe(
      "Statement wasn't well formed, can't be processed: unexpected token 'VALUES' at position 15",
    );
    expect(refusal(`INSERT INTO t VALUE {'id': 'x'`)).toMatch(/unexpected end of statement$/);
    expect(refusal(`INSERT INTO t VALUE {'id': 'x'} extra`)).toMatch(/unexpected token 'extra'/);
    expect(refusal(`INSERT INTO t VALUE {id: 'x'}`)).toMatch(/unexpected token 'id'/);
    expect(refusal(`INSERT INTO t VALUE {'id': 'x}`)).toMatch(/unterminated quoted text at position 28/);
    expect(refusal(`INSERT INTO t VALUE {'id': 'x', 'id': 'y'}`)).toMatch(/duplicate attribute name 'id'/);
    expect(refusal(`INSERT INTO t VALUE {'s': <<'a', 1>>}`)).toMatch(/strings only or numbers only/);
    expect(refusal(`INSERT INTO t VALUE {'id': $x}`)).toMatch(/unexpected character '\$' at position 28/);
    expect(refusal('   ')).toMatch(/the statement is empty/);
  });

  it('names the statements it does not run instead of guessing', () => {
    expect(refusal(`SELECT * FROM t WHERE id = 'x'`)).toBe(
      'SELECT statements are not supported by this emulator (INSERT INTO … VALUE {…} is)',
    );
    expect(refusal(`update t SET a = 1 WHERE id = 'x'`)).toMatch(/^UPDATE statements are not supported/);
  });

  it('refuses Parameters that do not match the statement', () => {
    const statement = parsePartiQL(`INSERT INTO t VALUE {'id': ?}`);
    expect(() => bindInsert(statement, [])).toThrow("Number of parameters in request and statement don't match.");
    expect(() => bindInsert(statement, [{ S: 'a' }, { S: 'b' }])).toThrow(/Number of parameters/);
  });
});
