import type { TableRow } from '../DynamoDBStore.ts';
import { ValidationError } from '../errors.ts';
import { type AttributeMap, type AttributeValue, assertAttributeValue } from '../expressions/attributeValues.ts';
import { ParseCache } from '../ParseCache.ts';
import { bindInsert } from '../partiql/bindInsert.ts';
import { type InsertStatement, parsePartiQL } from '../partiql/parsePartiQL.ts';
import { type ActionContext, type ActionInput, assertItemSize, itemKeyOf, read } from './input.ts';

/** DynamoDB's limit: 1 to 25 statements per call. */
export const MAX_BATCH_STATEMENTS = 25;
/** Distinct statement texts kept parsed; clients send a handful (values travel as parameters). */
const PARSED_STATEMENTS = new ParseCache<InsertStatement>(256);

/** One statement's answer: `TableName`, and `Error` when it failed (the others still ran). */
interface StatementResponse {
  readonly TableName?: string;
  readonly Error?: { readonly Code: string; readonly Message: string };
}

/** A statement ready to run, or the error it answers with before touching the table. */
type Prepared =
  | { readonly table: TableRow; readonly itemKey: string; readonly item: AttributeMap }
  | { readonly response: StatementResponse };

/**
 * BatchExecuteStatement with PartiQL `INSERT INTO table VALUE {…}`: each statement writes its item
 * only if no item has its key, and fails on its own otherwise (`DuplicateItem`), as DynamoDB does.
 * A request DynamoDB refuses whole — no statements or more than 25, a statement that does not parse
 * or whose `Parameters` do not match its `?`s, a key named twice — is a ValidationException, and
 * nothing is written. Per statement, an unknown table is `ResourceNotFound` and an item that breaks
 * the key schema or the size limit is `ValidationError`. The statements that run, run in one
 * transaction: one commit per call.
 */
export function batchExecuteStatement(input: ActionInput, { store }: ActionContext): unknown {
  const requests = read.requiredArray(input, 'Statements');
  if (requests.length === 0 || requests.length > MAX_BATCH_STATEMENTS) {
    throw read.constraint(
      'statements',
      undefined,
      requests.length === 0
        ? 'Member must have length greater than or equal to 1'
        : `Member must have length less than or equal to ${MAX_BATCH_STATEMENTS}`,
    );
  }
  const tables = new Map<string, TableRow | undefined>();
  const tableOf = (name: string) => {
    if (!tables.has(name)) tables.set(name, store.table(name));
    return tables.get(name);
  };
  const prepared = requests.map((request, i) => prepare(statementOf(request, i), tableOf));
  const keys = new Set<string>();
  for (const p of prepared) {
    if (!('itemKey' in p)) continue;
    const id = `${p.table.name}\u0000${p.itemKey}`;
    if (keys.has(id)) throw new ValidationError('Provided list of item keys contains duplicates');
    keys.add(id);
  }
  const responses = store.transaction(() =>
    prepared.map((p): StatementResponse => {
      if (!('itemKey' in p)) return p.response;
      if (store.insertItemIfAbsent(p.table, p.itemKey, p.item)) return { TableName: p.table.name };
      return {
        TableName: p.table.name,
        Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' },
      };
    }),
  );
  return { Responses: responses };
}

/** One BatchStatementRequest, read and parsed: refuses the whole call when it is malformed. */
function statementOf(request: unknown, index: number): { statement: InsertStatement; item: AttributeMap } {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw read.malformed(`Statements[${index}]`, 'an object');
  }
  const member = request as ActionInput;
  const text = read.requiredString(member, 'Statement', { member: `statements.${index + 1}.member.statement` });
  const parameters = read.optionalArray(member, 'Parameters') ?? [];
  parameters.forEach((value, i) => {
    assertAttributeValue(value, `Statements[${index}].Parameters[${i}]`);
  });
  read.optionalBoolean(member, 'ConsistentRead');
  read.optionalString(member, 'ReturnValuesOnConditionCheckFailure', { oneOf: ['ALL_OLD', 'NONE'] });
  const statement = PARSED_STATEMENTS.get(text, parsePartiQL);
  return { statement, item: bindInsert(statement, parameters as AttributeValue[]) };
}

/** The table and the item's key, or the per-statement error DynamoDB answers instead. */
function prepare(
  { statement, item }: { statement: InsertStatement; item: AttributeMap },
  tableOf: (name: string) => TableRow | undefined,
): Prepared {
  const table = tableOf(statement.table);
  if (!table) return { response: { Error: { Code: 'ResourceNotFound', Message: 'Requested resource not found' } } };
  try {
    const itemKey = itemKeyOf(table, item, false);
    assertItemSize(item);
    return { table, itemKey, item };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { response: { TableName: table.name, Error: { Code: 'ValidationError', Message: error.message } } };
  }
}
