/**
 * Calendar dates (`YYYY-MM-DD`, no time, no zone) as finance systems print them on invoices.
 * Arithmetic is done on UTC midnights so a date never shifts with the server's time zone.
 */

/**
 * Shape of a calendar date from 1970 to 2999. The range keeps date arithmetic (a due date up to
 * 3650 days later) inside four-digit years; whether the day exists (no 2026-02-30) is checked by
 * {@link isCalendarDate}.
 */
export const CALENDAR_DATE_PATTERN = /^(?:19[7-9]\d|2\d{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;

/**
 * {@link CALENDAR_DATE_PATTERN} narrowed to the days that exist (30-day months, February 28/29
 * by the Gregorian leap rule), i.e. exactly the strings {@link isCalendarDate} accepts. The zod
 * contract checks with `isCalendarDate`; this pattern is what the published JSON Schemas carry
 * (`test/unit/schemas/calendarDate.test.ts` compares the two on every day from 1970 to 2999).
 */
export const REAL_CALENDAR_DATE_PATTERN = new RegExp(
  '^(?:(?:19[7-9]\\d|2\\d{3})-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))' +
    '|(?:19(?:7[26]|8[048]|9[26])|2\\d(?:0[48]|[2468][048]|[13579][26])|2[048]00)-02-29)$',
);

const MS_PER_DAY = 86_400_000;

function utcMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** Days of each month in a common year; February gains one in a Gregorian leap year. */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * The pattern, then the day against its month's length — arithmetic rather than a `Date` round
 * trip (parse, format, compare), which was most of this check's cost on every date of every event.
 */
export function isCalendarDate(value: string): boolean {
  if (!CALENDAR_DATE_PATTERN.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** `date` plus `days` calendar days ("2026-01-31" + 30 → "2026-03-02"). */
export function addDays(date: string, days: number): string {
  return new Date(utcMidnight(date) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to`; negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / MS_PER_DAY);
}
