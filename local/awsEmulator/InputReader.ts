import { type AwsErrorClass, type AwsServiceError, SerializationError } from './AwsServiceError.ts';

/** A request body: the operation's members, unchecked until an action reads them. */
export type ActionInput = Readonly<Record<string, unknown>>;

/** How a service answers bad input. */
export interface InputErrors {
  /** A value breaks a modelled constraint: ValidationException (Firehose: InvalidArgumentException). */
  readonly invalid: AwsErrorClass;
  /** A member has the wrong JSON type. @default {@link SerializationError} */
  readonly malformed?: AwsErrorClass;
}

export interface StringRule {
  /** The member as AWS names it in messages. @default the key, first letter lower case */
  readonly member?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  /** The values AWS's model allows (its enum). */
  readonly oneOf?: readonly string[];
}

export interface NumberRule {
  /** @default the key, first letter lower case */
  readonly member?: string;
  readonly min?: number;
  readonly max?: number;
}

/** AWS names members in validation messages in camelCase (`DeliveryStreamName` → `deliveryStreamName`). */
export function memberName(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/**
 * Reads operation inputs the way AWS's services validate them, with their wording ("1 validation
 * error detected: Value 'x' at 'member' failed to satisfy constraint: …"), so that scripts matching
 * on AWS messages behave the same locally. One reader per service, built with its error classes.
 */
export class InputReader {
  constructor(private readonly errors: InputErrors) {}

  /**
   * A constraint error in AWS's words. `value` null prints as `null`, undefined leaves the value
   * out (AWS prints whole lists, which helps no one), anything else is quoted.
   */
  constraint(member: string, value: unknown, rule: string): AwsServiceError {
    const shown = value === undefined ? '' : value === null ? 'null ' : `'${String(value)}' `;
    return new this.errors.invalid(
      `1 validation error detected: Value ${shown}at '${member}' failed to satisfy constraint: ${rule}`,
    );
  }

  /** The error for a member that is missing: "Member must not be null". */
  missing(member: string): AwsServiceError {
    return this.constraint(member, null, 'Member must not be null');
  }

  /** The error for a member of the wrong JSON type. */
  malformed(key: string, expected: string): AwsServiceError {
    return new (this.errors.malformed ?? SerializationError)(`${key} must be ${expected}`);
  }

  requiredString(parent: ActionInput, key: string, rule: StringRule = {}): string {
    const value = this.optionalString(parent, key, rule);
    if (value === undefined) throw this.missing(rule.member ?? memberName(key));
    return value;
  }

  optionalString(parent: ActionInput, key: string, rule: StringRule = {}): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.malformed(key, 'a string');
    const member = rule.member ?? memberName(key);
    if (rule.minLength !== undefined && value.length < rule.minLength) {
      throw this.constraint(member, value, `Member must have length greater than or equal to ${rule.minLength}`);
    }
    if (rule.maxLength !== undefined && value.length > rule.maxLength) {
      throw this.constraint(member, value, `Member must have length less than or equal to ${rule.maxLength}`);
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      throw this.constraint(member, value, `Member must satisfy regular expression pattern: ${rule.pattern.source}`);
    }
    if (rule.oneOf && !rule.oneOf.includes(value)) {
      throw this.constraint(member, value, `Member must satisfy enum value set: [${rule.oneOf.join(', ')}]`);
    }
    return value;
  }

  optionalBoolean(parent: ActionInput, key: string): boolean | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.malformed(key, 'a boolean');
    return value;
  }

  /** An optional integer member within the rule's bounds. */
  optionalInteger(parent: ActionInput, key: string, rule: NumberRule = {}): number | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw this.malformed(key, 'an integer');
    const member = rule.member ?? memberName(key);
    if (rule.min !== undefined && value < rule.min) {
      throw this.constraint(member, value, `Member must have value greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && value > rule.max) {
      throw this.constraint(member, value, `Member must have value less than or equal to ${rule.max}`);
    }
    return value;
  }

  optionalObject(parent: ActionInput, key: string): Record<string, unknown> | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw this.malformed(key, 'an object');
    return value as Record<string, unknown>;
  }

  requiredObject(parent: ActionInput, key: string, member = memberName(key)): Record<string, unknown> {
    const value = this.optionalObject(parent, key);
    if (value === undefined) throw this.missing(member);
    return value;
  }

  optionalArray(parent: ActionInput, key: string): unknown[] | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.malformed(key, 'a list');
    return value;
  }

  requiredArray(parent: ActionInput, key: string, member = memberName(key)): unknown[] {
    const value = this.optionalArray(parent, key);
    if (value === undefined) throw this.missing(member);
    return value;
  }

  /** JSON timestamps are epoch seconds (fractions allowed); ISO strings are accepted too. */
  optionalTimestamp(parent: ActionInput, key: string): Date | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    const date =
      typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw this.malformed(key, 'a timestamp');
    return date;
  }

  requiredTimestamp(parent: ActionInput, key: string, member = memberName(key)): Date {
    const value = this.optionalTimestamp(parent, key);
    if (value === undefined) throw this.missing(member);
    return value;
  }
}

/** AWS JSON protocols send timestamps as epoch seconds. */
export const toEpochSeconds = (ms: number): number => ms / 1000;
