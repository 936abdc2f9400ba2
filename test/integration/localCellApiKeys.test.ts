import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalCell } from '../../local/cell/index.ts';
import { ErrorResponseSchema } from '../../schemas/errorResponse.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';
import { localCellWithClients, startTestCell } from '../helpers/localTestCell.ts';

/** API keys and usage plans of the local API: what API Gateway does before the ingest function runs. */

const KEYS = {
  slow: 'slow-client-key-0123456789',
  tiny: 'tiny-client-key-0123456789',
  revoked: 'revoked-client-key-0123456789',
} as const;

let cell: RunningLocalCell;
let dataDir: string;

beforeAll(async () => {
  ({ cell, dataDir } = await startTestCell(
    'bems-local-keys-',
    localCellWithClients(
      { name: 'slow', localKey: KEYS.slow, rateLimit: 0.5, burstLimit: 3 },
      { name: 'tiny', localKey: KEYS.tiny, quotaPerDay: 2 },
      { name: 'revoked', localKey: KEYS.revoked, revoked: true },
    ),
  ));
});

afterAll(async () => {
  await cell?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const postEvent = (apiKey: string) =>
  fetch(`${cell.apiUrl}/invoices/ingestion`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify(buildInvoiceEvent('ingestion')),
  });

describe('local API keys and usage plans', () => {
  it('throttles a key beyond its burst with 429 THROTTLED and Retry-After, and takes it again after the wait', async () => {
    // Prepare
    const archivedBefore = await cell.archive.count();

    // Act: burst 3, then one request every 2 s
    const burst = [];
    for (let i = 0; i < 5; i++) burst.push(await postEvent(KEYS.slow));
    const retryAfter = Number(burst[3]!.headers.get('retry-after'));
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const later = await postEvent(KEYS.slow);

    // Assess
    expect(burst.map((response) => response.status)).toEqual([202, 202, 202, 429, 429]);
    expect(ErrorResponseSchema.parse(await burst[3]!.json()).code).toBe('THROTTLED');
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(later.status).toBe(202);
    expect(await cell.archive.count()).toBe(archivedBefore + 4);
  });

  it('refuses a key over its daily quota with 429 QUOTA_EXCEEDED until 00:00 UTC', async () => {
    // Act
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await postEvent(KEYS.tiny));

    // Assess
    expect(statuses.map((response) => response.status)).toEqual([202, 202, 429]);
    const error = ErrorResponseSchema.parse(await statuses[2]!.json());
    expect(error.code).toBe('QUOTA_EXCEEDED');
    const untilMidnight = Math.ceil((Date.UTC(...utcTomorrow()) - Date.now()) / 1000);
    expect(Math.abs(Number(statuses[2]!.headers.get('retry-after')) - untilMidnight)).toBeLessThanOrEqual(2);
  });

  it('refuses a revoked key with 403 FORBIDDEN', async () => {
    // Act
    const response = await postEvent(KEYS.revoked);

    // Assess
    expect(response.status).toBe(403);
    const error = ErrorResponseSchema.parse(await response.json());
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/revoked/);
  });

  it('guards the timeline with the same keys', async () => {
    // Act
    const anonymous = await fetch(`${cell.apiUrl}/invoices/INV-1`);
    const withKey = await fetch(`${cell.apiUrl}/invoices/INV-1`, { headers: { 'x-api-key': cell.apiKey } });

    // Assess
    expect(anonymous.status).toBe(403);
    expect(ErrorResponseSchema.parse(await anonymous.json()).code).toBe('FORBIDDEN');
    expect(withKey.status).toBe(404);
  });
});

function utcTomorrow(): [number, number, number] {
  const now = new Date();
  return [now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1];
}
