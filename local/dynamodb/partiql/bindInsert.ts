import { ValidationError } from '../errors.ts';
import type { AttributeMap, AttributeValue } from '../expressions/attributeValues.ts';
import type { InsertStatement, PartiQLValue } from './parsePartiQL.ts';

/** The item an INSERT writes: its tuple with each `?` replaced by the statement's `Parameters`, in order. */
export function bindInsert(statement: InsertStatement, parameters: readonly AttributeValue[]): AttributeMap {
  if (parameters.length !== statement.parameterCount) {
    throw new ValidationError("Number of parameters in request and statement don't match.");
  }
  const bound = (value: PartiQLValue): AttributeValue => {
    switch (value.kind) {
      case 'parameter':
        return parameters[value.index]!;
      case 'literal':
        return value.value;
      case 'tuple':
        return { M: tupleOf(value.entries) };
      case 'list':
        return { L: value.items.map(bound) };
    }
  };
  const tupleOf = (entries: InsertStatement['item']): AttributeMap =>
    Object.fromEntries(entries.map(([name, value]) => [name, bound(value)]));
  return tupleOf(statement.item);
}
