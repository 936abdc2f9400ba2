import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { InvalidEventPatternError, ValidationError } from '../errors.ts';
import { compileEventPattern } from '../matchPattern.ts';
import { type ActionInput, read } from './input.ts';

/**
 * The fields TestEventPattern requires of the sample event (API reference: "The event, in JSON
 * format, to test against the event pattern. The JSON must follow the format specified in AWS
 * Events, and the following fields are mandatory: id, account, source, time, region, detail-type").
 */
const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

/**
 * AWS answers ValidationException for an event that is not JSON, not an object or lacks a mandatory
 * field. The wording could not be confirmed from AWS's documentation; this is the form of AWS's other
 * parameter errors ("Parameter X is not valid."), without details AWS does not give.
 */
const INVALID_EVENT = 'Parameter Event is not valid.';

/** TestEventPattern: lets tools check a pattern against a sample event with the emulator's matcher. */
export function testEventPattern(input: ActionInput, _store: EventBridgeStore): { Result: boolean } {
  const pattern = parseJson(read.requiredString(input, 'EventPattern'));
  if (pattern === undefined) throw new InvalidEventPatternError(['Filter is not valid JSON']);
  const matches = compileEventPattern(pattern);
  const event = parseJson(read.requiredString(input, 'Event'));
  if (!isObject(event) || REQUIRED_EVENT_FIELDS.some((field) => !(field in event))) {
    throw new ValidationError(INVALID_EVENT);
  }
  return { Result: matches(event) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parsed value, or undefined when `text` is not JSON (JSON itself has no `undefined`). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
