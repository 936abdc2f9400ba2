import * as z from 'zod';

/**
 * Field builders with messages written for the client that must fix the field. Messages are
 * relative to the field ("must be a UUID"), because every issue is reported with its path.
 */

export const REQUIRED_MESSAGE = 'is required';
export const UNKNOWN_FIELD_MESSAGE = 'is not a known field (unknown fields are rejected)';

/** Free text may hold any printable character, but no control characters (log and CSV injection). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern exists to reject control characters.
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

/**
 * {@link NO_CONTROL_CHARACTERS} and not only whitespace: what a free-text field must be after the
 * contract trims it, as one JSON Schema pattern (`\s` is exactly the set `String#trim` removes).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern exists to reject control characters.
export const NOT_BLANK_TEXT_PATTERN = /^(?!\s*$)[^\u0000-\u001f\u007f]*$/;

/** The error param zod takes: "is required" when the value is absent, `expected` otherwise. */
export function expecting(expected: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? REQUIRED_MESSAGE : expected) };
}

export function requiredString(expected = 'must be a string') {
  return z.string(expecting(expected));
}

/**
 * A strict object: a field the contract does not know is an error, because a silently dropped
 * field is data the sender believes was recorded. The zod issue sits on the object and names the
 * keys; `toFieldIssues` turns it into one issue per unknown field at that field's own path.
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape, expected = 'must be an object') {
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((key) => `"${key}"`).join(', ');
        return `unknown field${issue.keys.length === 1 ? '' : 's'} ${keys} (unknown fields are rejected)`;
      }
      return issue.input === undefined ? REQUIRED_MESSAGE : expected;
    },
  });
}
