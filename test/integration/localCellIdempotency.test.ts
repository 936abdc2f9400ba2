import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocalCell, startLocalCell } from '../../local/cell/index.ts';
import { AcceptedResponseSchema, ErrorResponseSchema } from '../../schemas/errorResponse.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';

/**
 * Idempotency on the local cell, over HTTP: the ingest handler's Powertools idempotency against the
 * cell's DynamoDB emulator (on the emulator thread, persisted in the data directory), counted on
 * the bus archive — what was published, not what was answered.
 */
let cell: RunningLocalCell;
let dataDir: string;
const start = () => startLocalCell({ port: 0, dataDir, quiet: true, monitorIntervalMs: 0 });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bems-local-idempotency-'));
  cell = await start();
});
afterAll(async () => {
  await cell?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (body: unknown) =>
  fetch(`${cell.apiUrl}/invoices/ingestion`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': cell.apiKey },
    body: JSON.stringify(body),
  });
/** Events on the bus archive: one per event published. */
const archived = () => cell.archive.count();

describe('local cell idempotency', () => {
  it('answers an identical re-send 202 with Idempotent-Replayed and publishes it once', async () => {
    // Prepare
    const event = buildInvoiceEvent('ingestion');
    const before = await archived();
    const first = await post(event);
    expect(first.status).toBe(202);

    // Act
    const again = await post(event);

    // Assess
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(AcceptedResponseSchema.parse(await again.json())).toEqual({
      accepted: [event.eventId],
      repeated: [event.eventId],
    });
    expect(await archived()).toBe(before + 1);
  });

  it('refuses a re-send with a changed amount: 409 IDEMPOTENCY_CONFLICT naming the eventId, nothing published', async () => {
    // Prepare
    const event = buildInvoiceEvent('ingestion', { amount: '100.00' });
    const before = await archived();
    expect((await post(event)).status).toBe(202);

    // Act
    const changed = await post({ ...event, amount: '100.50' });

    // Assess
    expect(changed.status).toBe(409);
    const error = ErrorResponseSchema.parse(await changed.json());
    expect(error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(error.conflictingEventIds).toEqual([event.eventId]);
    expect(error.message).toContain(event.eventId);
    expect(await archived()).toBe(before + 1);
  });

  it('publishes exactly once when two identical requests arrive together', async () => {
    // Prepare
    const events: InvoiceEvent[] = Array.from({ length: 5 }, () => buildInvoiceEvent('ingestion'));
    const before = await archived();

    // Act: each event posted twice at once, ten requests in flight
    const answers = await Promise.all(events.flatMap((event) => [post(event), post(event)]));

    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    expect(await archived()).toBe(before + 5);
  });

  it('remembers eventIds across a restart on the same data directory', async () => {
    // Prepare
    const event = buildInvoiceEvent('ingestion', { amount: '7.00' });
    const before = await archived();
    expect((await post(event)).status).toBe(202);

    // Act
    await cell.stop();
    cell = await start();
    const changed = await post({ ...event, amount: '7.01' });
    const same = await post(event);

    // Assess
    expect(changed.status).toBe(409);
    expect(same.status).toBe(202);
    expect(same.headers.get('idempotent-replayed')).toBe('true');
    expect(await archived()).toBe(before + 1);
  });
});
