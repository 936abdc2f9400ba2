import { ValidationError } from '../errors.ts';
import type { AttributeMap, AttributeValue } from './attributeValues.ts';

/** `ExpressionAttributeNames` / `ExpressionAttributeValues` of one request, and which were used. */
export class Placeholders {
  readonly #usedNames = new Set<string>();
  readonly #usedValues = new Set<string>();

  constructor(
    private readonly names: Readonly<Record<string, string>> = {},
    private readonly values: AttributeMap = {},
  ) {}

  name(placeholder: string): string {
    const name = this.names[placeholder];
    if (name === undefined) {
      throw new ValidationError(
        `Invalid expression: An expression attribute name used in the document path is not defined; attribute name: ${placeholder}`,
      );
    }
    this.#usedNames.add(placeholder);
    return name;
  }

  value(placeholder: string): AttributeValue {
    const value = this.values[placeholder];
    if (value === undefined) {
      throw new ValidationError(
        `Invalid expression: An expression attribute value used in expression is not defined; attribute value: ${placeholder}`,
      );
    }
    this.#usedValues.add(placeholder);
    return value;
  }

  /** DynamoDB refuses a request that supplies placeholders none of its expressions use. */
  assertAllUsed(): void {
    const unusedNames = Object.keys(this.names).filter((n) => !this.#usedNames.has(n));
    if (unusedNames.length > 0) {
      throw new ValidationError(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      );
    }
    const unusedValues = Object.keys(this.values).filter((v) => !this.#usedValues.has(v));
    if (unusedValues.length > 0) {
      throw new ValidationError(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      );
    }
  }
}
