import * as z from 'zod';

const offsetDateTime = z.iso.datetime({ offset: true });

/** The last value {@link unlessMalformed} looked at, and what it found. */
let last: { readonly value: string; readonly wellFormed: boolean; readonly ms: number } | undefined;

/**
 * A clock rule of `occurredAt`: true for a value that is not a well-formed RFC 3339 date-time with
 * an offset (its own issue says so; see `whenMatches` in invoiceEvent.ts for why not `abort`), else
 * `rule` of its instant (`Date.parse`). Two or three rules ask in a row about one value, each once a
 * zod parse of its own; the answers depend on the value alone, so the last value's are kept.
 */
export function unlessMalformed(value: string, rule: (ms: number) => boolean): boolean {
  if (last?.value !== value) {
    const wellFormed = offsetDateTime.safeParse(value).success;
    last = { value, wellFormed, ms: wellFormed ? Date.parse(value) : Number.NaN };
  }
  return !last.wellFormed || rule(last.ms);
}
