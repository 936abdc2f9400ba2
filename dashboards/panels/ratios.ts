/** `part` of `whole` in percent, one decimal (0 when there is no whole). */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

/** Change from `previous` to `value` in percent, one decimal; display-only, never applied to amounts. */
export function change(value: number, previous: number): number {
  return Math.round(((value - previous) / previous) * 1000) / 10;
}
