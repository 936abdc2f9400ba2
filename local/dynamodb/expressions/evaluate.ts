import { ValidationError } from '../errors.ts';
import {
  type AttributeMap,
  type AttributeValue,
  compareValues,
  equalValues,
  sizeOf,
  typeOf,
} from './attributeValues.ts';
import type { Condition, Operand, Path, SetValue, UpdateActions } from './expressionTree.ts';

/** Evaluation of parsed expressions against an item (`undefined`: the item does not exist). */

export function valueAt(item: AttributeMap | undefined, path: Path): AttributeValue | undefined {
  let current: AttributeValue | undefined = item ? { M: item } : undefined;
  for (const element of path) {
    if (!current) return undefined;
    if ('name' in element) current = 'M' in current ? current.M[element.name] : undefined;
    else current = 'L' in current ? current.L[element.index] : undefined;
  }
  return current;
}

function operandValue(item: AttributeMap | undefined, operand: Operand): AttributeValue | undefined {
  if (operand.kind === 'value') return operand.value;
  const value = valueAt(item, operand.path);
  if (operand.kind === 'path' || value === undefined) return value;
  const size = sizeOf(value);
  return size === undefined ? undefined : { N: String(size) };
}

/**
 * A missing attribute makes every comparison false except `<>` (it is not equal to anything), and
 * values of different types are never ordered — DynamoDB's rules.
 */
export function evaluateCondition(condition: Condition, item: AttributeMap | undefined): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluateCondition(condition.left, item) && evaluateCondition(condition.right, item);
    case 'or':
      return evaluateCondition(condition.left, item) || evaluateCondition(condition.right, item);
    case 'not':
      return !evaluateCondition(condition.condition, item);
    case 'exists':
      return valueAt(item, condition.path) !== undefined;
    case 'notExists':
      return valueAt(item, condition.path) === undefined;
    case 'compare': {
      const left = operandValue(item, condition.left);
      const right = operandValue(item, condition.right);
      if (left === undefined || right === undefined) return condition.op === '<>';
      if (condition.op === '=') return equalValues(left, right);
      if (condition.op === '<>') return !equalValues(left, right);
      const order = compareValues(left, right);
      if (order === undefined) return false;
      return { '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0 }[condition.op];
    }
    case 'between': {
      const value = operandValue(item, condition.operand);
      const low = operandValue(item, condition.low);
      const high = operandValue(item, condition.high);
      if (!value || !low || !high) return false;
      const fromLow = compareValues(value, low);
      const toHigh = compareValues(value, high);
      return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
    }
    case 'in': {
      const value = operandValue(item, condition.operand);
      return (
        value !== undefined &&
        condition.list.some((o) => {
          const candidate = operandValue(item, o);
          return candidate !== undefined && equalValues(value, candidate);
        })
      );
    }
    case 'type': {
      const value = valueAt(item, condition.path);
      const type = operandValue(item, condition.type);
      if (!type || !('S' in type))
        throw new ValidationError('Invalid ConditionExpression: attribute_type needs a string type');
      return value !== undefined && typeOf(value) === type.S;
    }
    case 'beginsWith': {
      const value = valueAt(item, condition.path);
      const prefix = operandValue(item, condition.operand);
      if (value && prefix && 'S' in value && 'S' in prefix) return value.S.startsWith(prefix.S);
      if (value && prefix && 'B' in value && 'B' in prefix) {
        return Buffer.from(value.B, 'base64')
          .subarray(0, Buffer.from(prefix.B, 'base64').length)
          .equals(Buffer.from(prefix.B, 'base64'));
      }
      return false;
    }
    case 'contains': {
      const value = valueAt(item, condition.path);
      const member = operandValue(item, condition.operand);
      if (!value || !member) return false;
      if ('S' in value && 'S' in member) return value.S.includes(member.S);
      if ('L' in value) return value.L.some((v) => equalValues(v, member));
      if ('SS' in value && 'S' in member) return value.SS.includes(member.S);
      if ('NS' in value && 'N' in member) return value.NS.some((n) => equalValues({ N: n }, member));
      if ('BS' in value && 'B' in member) return value.BS.includes(member.B);
      return false;
    }
  }
}

/** The item after SET and REMOVE; `keyNames` may not be touched. A new object: `item` is left as it is. */
export function applyUpdate(
  item: AttributeMap | undefined,
  actions: UpdateActions,
  keyNames: readonly string[],
): Record<string, AttributeValue> {
  const touched = [...actions.set.map((s) => s.path), ...actions.remove];
  for (const path of touched) {
    const top = path[0];
    if (top && 'name' in top && keyNames.includes(top.name)) {
      throw new ValidationError(
        `One or more parameter values were invalid: Cannot update attribute ${top.name}. This attribute is part of the key`,
      );
    }
  }
  // Every value is computed from the item as it was, then written: `SET a = b, b = a` swaps.
  const values = actions.set.map(({ path, value }) => ({ path, value: setValue(item, value) }));
  const root: { M: Record<string, AttributeValue> } = {
    M: structuredClone((item ?? {}) as Record<string, AttributeValue>),
  };
  for (const { path, value } of values) writeAt(root, path, value);
  for (const path of actions.remove) removeAt(root, path);
  return root.M;
}

function setValue(item: AttributeMap | undefined, value: SetValue): AttributeValue {
  switch (value.kind) {
    case 'operand': {
      const resolved = operandValue(item, value.operand);
      if (!resolved) {
        throw new ValidationError('The provided expression refers to an attribute that does not exist in the item');
      }
      return resolved;
    }
    case 'ifNotExists':
      return valueAt(item, value.path) ?? setValue(item, value.fallback);
    case 'listAppend': {
      const left = setValue(item, value.left);
      const right = setValue(item, value.right);
      if (!('L' in left) || !('L' in right)) {
        throw new ValidationError(
          'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append',
        );
      }
      return { L: [...left.L, ...right.L] };
    }
    case 'plus':
    case 'minus': {
      const left = setValue(item, value.left);
      const right = setValue(item, value.right);
      if (!('N' in left) || !('N' in right)) {
        throw new ValidationError(
          `Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ${value.kind === 'plus' ? '+' : '-'}`,
        );
      }
      const result = value.kind === 'plus' ? Number(left.N) + Number(right.N) : Number(left.N) - Number(right.N);
      return { N: String(result) };
    }
  }
}

type Container = { M: Record<string, AttributeValue> } | { L: AttributeValue[] };

function parentOf(root: Container, path: Path): Container {
  let current: AttributeValue | Container = root;
  for (const element of path.slice(0, -1)) {
    const next: AttributeValue | undefined =
      'name' in element
        ? 'M' in current
          ? (current.M as Record<string, AttributeValue>)[element.name]
          : undefined
        : 'L' in current
          ? (current.L as AttributeValue[])[element.index]
          : undefined;
    if (!next || !('M' in next || 'L' in next)) {
      throw new ValidationError('The document path provided in the update expression is invalid for update');
    }
    current = next;
  }
  return current as Container;
}

function writeAt(root: Container, path: Path, value: AttributeValue): void {
  const parent = parentOf(root, path);
  const last = path[path.length - 1]!;
  if ('name' in last && 'M' in parent) parent.M[last.name] = value;
  else if ('index' in last && 'L' in parent) {
    if (last.index >= parent.L.length) parent.L.push(value);
    else parent.L[last.index] = value;
  } else throw new ValidationError('The document path provided in the update expression is invalid for update');
}

function removeAt(root: Container, path: Path): void {
  let parent: Container;
  try {
    parent = parentOf(root, path);
  } catch {
    return; // REMOVE of a path that does not exist changes nothing.
  }
  const last = path[path.length - 1]!;
  if ('name' in last && 'M' in parent) delete parent.M[last.name];
  else if ('index' in last && 'L' in parent) parent.L.splice(last.index, 1);
}

/** The attributes named by a ProjectionExpression (top-level names and nested paths alike). */
export function project(item: AttributeMap, paths: readonly Path[]): AttributeMap {
  const root: { M: Record<string, AttributeValue> } = { M: {} };
  for (const path of paths) {
    const value = valueAt(item, path);
    if (value === undefined) continue;
    let target: Record<string, AttributeValue> = root.M;
    path.forEach((element, i) => {
      const name = 'name' in element ? element.name : String(element.index);
      if (i === path.length - 1) target[name] = value;
      else {
        const next = (target[name] as { M: Record<string, AttributeValue> } | undefined) ?? { M: {} };
        target[name] = next;
        target = next.M;
      }
    });
  }
  return root.M;
}
