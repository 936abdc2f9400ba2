import { LOCAL_CELL } from '../../../cells/cells.config.ts';
import { type CellDefinition, parseCellDefinition } from '../../../cells/definition.ts';

/** API clients of the abuse suite's cell, each with the limits one part of the suite needs. */
export const ABUSE_KEYS = {
  /** Limits far above what the fuzzer sends. */
  fuzz: 'abuse-fuzz-key-0123456789abcdef',
  /** `revoked: true` in the cell definition. */
  revoked: 'abuse-revoked-key-0123456789abcdef',
  /** quotaPerDay 5. */
  quota: 'abuse-quota-key-0123456789abcdef',
  /** rateLimit 2/s, burst 5. */
  throttled: 'abuse-throttled-key-0123456789abcdef',
} as const;

export const QUOTA_PER_DAY = 5;
export const THROTTLE = { rateLimit: 2, burstLimit: 5 } as const;

/** The local cell with the abuse suite's API clients (the first one is the cell's "dev" key). */
export function abuseCell(): CellDefinition {
  return parseCellDefinition({
    ...LOCAL_CELL,
    apiClients: [
      {
        name: 'fuzz',
        localKey: ABUSE_KEYS.fuzz,
        rateLimit: 1_000_000,
        burstLimit: 1_000_000,
        quotaPerDay: 100_000_000,
      },
      { name: 'legacy-erp', localKey: ABUSE_KEYS.revoked, revoked: true },
      { name: 'tiny-quota', localKey: ABUSE_KEYS.quota, quotaPerDay: QUOTA_PER_DAY },
      { name: 'throttled', localKey: ABUSE_KEYS.throttled, ...THROTTLE },
    ],
  });
}
