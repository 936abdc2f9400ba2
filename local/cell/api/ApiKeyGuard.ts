import type { ApiClient } from '../../../cells/definition.ts';
import { ERROR_CODES, type ErrorCode } from '../../../schemas/errorResponse.ts';
import { TokenBucket } from './TokenBucket.ts';

export type GuardResult =
  | { readonly ok: true; readonly client: ApiClient; readonly keyId: string }
  | {
      readonly ok: false;
      readonly status: 403 | 429;
      readonly code: ErrorCode;
      readonly message: string;
      readonly retryAfterSeconds?: number;
    };

const DAY_MS = 86_400_000;

/**
 * API keys and usage plans, as API Gateway applies them before the ingest Lambda runs: a missing,
 * unknown or revoked key is refused with 403 FORBIDDEN (API Gateway's one answer for all three),
 * each key has a token bucket (rateLimit/burstLimit) → 429 THROTTLED, and a daily quota → 429
 * QUOTA_EXCEEDED. Quotas reset at 00:00 UTC like a DAY usage plan; they are kept in memory, so a
 * restart resets them.
 */
export class ApiKeyGuard {
  private readonly clients = new Map<string, { client: ApiClient; keyId: string; bucket: TokenBucket }>();
  private readonly quotaUsed = new Map<string, { day: number; count: number }>();

  constructor(
    clients: readonly ApiClient[],
    private readonly now: () => number = Date.now,
  ) {
    clients.forEach((client, index) => {
      if (!client.localKey) return;
      this.clients.set(client.localKey, {
        client,
        keyId: `local-key-${index}-${client.name}`,
        bucket: new TokenBucket(client.rateLimit, client.burstLimit, now),
      });
    });
  }

  /** Keys the local cell accepts (revoked ones excluded). */
  get activeKeys(): { name: string; key: string }[] {
    return [...this.clients.entries()]
      .filter(([, entry]) => !entry.client.revoked)
      .map(([key, entry]) => ({ name: entry.client.name, key }));
  }

  check(apiKey: string | undefined): GuardResult {
    if (!apiKey)
      return {
        ok: false,
        status: 403,
        // FORBIDDEN, not a code of its own: API Gateway answers a missing key with the same
        // INVALID_API_KEY gateway response as an unknown one, so AWS cannot tell them apart.
        code: ERROR_CODES.forbidden,
        message: 'missing API key: send it in the x-api-key header',
      };
    const entry = this.clients.get(apiKey);
    if (!entry) return { ok: false, status: 403, code: ERROR_CODES.forbidden, message: 'the API key is not valid' };
    if (entry.client.revoked)
      return { ok: false, status: 403, code: ERROR_CODES.forbidden, message: 'the API key has been revoked' };
    const now = this.now();
    const day = Math.floor(now / DAY_MS);
    const used = this.quotaUsed.get(apiKey);
    const count = used?.day === day ? used.count : 0;
    if (count >= entry.client.quotaPerDay) {
      return {
        ok: false,
        status: 429,
        code: ERROR_CODES.quotaExceeded,
        message: `daily quota of ${entry.client.quotaPerDay} requests used up; it resets at 00:00 UTC`,
        retryAfterSeconds: Math.ceil(((day + 1) * DAY_MS - now) / 1000),
      };
    }
    const token = entry.bucket.take();
    if (!token.ok) {
      return {
        ok: false,
        status: 429,
        code: ERROR_CODES.throttled,
        message: `too many requests: this key allows ${entry.client.rateLimit} requests/s (burst ${entry.client.burstLimit})`,
        retryAfterSeconds: Math.max(1, Math.ceil(token.waitMs / 1000)),
      };
    }
    this.quotaUsed.set(apiKey, { day, count: count + 1 });
    return { ok: true, client: entry.client, keyId: entry.keyId };
  }
}
