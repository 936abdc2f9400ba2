import { ValidationError } from '../errors.ts';
import type { AttributeMap, AttributeValue } from '../expressions/attributeValues.ts';
import type { InsertStatement, PartiQLValue } from './parsePartiQL.ts';

/** The item an INSERT writes: its tuple with each `?` replaced by the statement's `Parameters`, in order. */
export function bindInsert(statement: InsertStatement, parameters: readonly AttributeValue[]): AttributeMap {
  if (parameters.length !== statement.parameterCount) {
    throw new ValidationError("Number of parameters in request and statement don't match.");
  }
  return tupleOf(statement.item, parameters);
}

// Module functions, not closures inside bindInsert: it runs for every statement of every claim,
// and under tsx each named closure costs a `__name` call when it is created.
function bound(value: PartiQLValue, parameters: readonly AttributeValue[]): AttributeValue {
  switch (value.kind) {
    case 'parameter':
      return parameters[value.index]!;
    case 'literal':
      return value.value;
    case 'tuple':
      return { M: tupleOf(value.entries, parameters) };
    case 'list':
      return { L: value.items.map((item) => bound(item, parameters)) };
  }
}

function tupleOf(entries: InsertStatement['item'], parameters: readonly AttributeValue[]): AttributeMap {
  return Object.fromEntries(entries.map(([name, value]) => [name, bound(value, parameters)]));
}
