import type { EventBridgeStore } from '../EventBridgeStore.ts';
import { InvalidEventPatternError, ValidationError } from '../errors.ts';
import { compileEventPattern } from '../matchPattern.ts';
import { type ActionInput, requiredString } from './input.ts';

/** TestEventPattern: lets tools check a pattern against a sample event with the emulator's matcher. */
export function testEventPattern(input: ActionInput, _store: EventBridgeStore): { Result: boolean } {
  const pattern = parseJson(requiredString(input, 'EventPattern'));
  if (pattern === undefined) throw new InvalidEventPatternError(['not valid JSON']);
  const event = parseJson(requiredString(input, 'Event'));
  if (event === undefined) throw new ValidationError('Parameter Event is not valid. Reason: not valid JSON.');
  return { Result: compileEventPattern(pattern)(event) };
}

/** The parsed value, or undefined when `text` is not JSON (JSON itself has no `undefined`). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
