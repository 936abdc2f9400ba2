import { UsageError } from './errors.ts';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A time flag: an ISO-8601 timestamp (`2026-11-28T09:00:00Z`, `2026-11-28`), `now`, or a duration
 * ago (`15m`, `2h`, `7d`, `90s`). Returns epoch ms.
 */
export function parseTime(flag: string, text: string, nowMs: number): number {
  const trimmed = text.trim();
  if (trimmed === 'now') return nowMs;
  const relative = /^(\d+(?:\.\d+)?)([smhd])$/.exec(trimmed);
  if (relative) return nowMs - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  // Only date-like text: Date.parse would also accept "1" or "March".
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) {
    const value = Date.parse(trimmed);
    if (Number.isFinite(value)) return value;
  }
  throw new UsageError(
    `${flag}: "${text}" is not a time; use ISO 8601 (2026-11-28T09:00:00Z), "now", or an age such as 15m, 2h, 7d`,
  );
}
