import type { AttributeValue } from './attributeValues.ts';

/** The parsed form of DynamoDB expressions, as `parseExpression.ts` builds it and `evaluate.ts` evaluates it. */

export type PathElement = { readonly name: string } | { readonly index: number };
export type Path = readonly PathElement[];

export type Operand =
  | { readonly kind: 'path'; readonly path: Path }
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'size'; readonly path: Path };

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly condition: Condition }
  | { readonly kind: 'compare'; readonly op: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly operand: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'in'; readonly operand: Operand; readonly list: readonly Operand[] }
  | { readonly kind: 'exists' | 'notExists'; readonly path: Path }
  | { readonly kind: 'type'; readonly path: Path; readonly type: Operand }
  | { readonly kind: 'beginsWith' | 'contains'; readonly path: Path; readonly operand: Operand };

export type SetValue =
  | { readonly kind: 'operand'; readonly operand: Operand }
  | { readonly kind: 'ifNotExists'; readonly path: Path; readonly fallback: SetValue }
  | { readonly kind: 'listAppend'; readonly left: SetValue; readonly right: SetValue }
  | { readonly kind: 'plus' | 'minus'; readonly left: SetValue; readonly right: SetValue };

export interface UpdateActions {
  readonly set: readonly { readonly path: Path; readonly value: SetValue }[];
  readonly remove: readonly Path[];
}
