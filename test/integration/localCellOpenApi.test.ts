import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocalCell, startLocalCell } from '../../local/cell/index.ts';
import { buildInvoiceEvent } from '../helpers/invoiceEvents.ts';

/** `GET /openapi.json` on a running local cell, and the per-stage contract it documents. */

let cell: RunningLocalCell;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bems-local-openapi-'));
  cell = await startLocalCell({ port: 0, dataDir, quiet: true, monitorIntervalMs: 0 });
});

afterAll(async () => {
  await cell?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local cell OpenAPI document', () => {
  it('serves GET /openapi.json without a key: the committed document, a valid OpenAPI 3.1', async () => {
    // Act
    const response = await fetch(`${cell.apiUrl}/openapi.json`);
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await response.text();
    const committed = readFileSync(new URL('../../schemas/generated/openapi.json', import.meta.url), 'utf8');
    expect(text).toBe(committed);
    const result = await new Validator().validate(JSON.parse(text));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('answers other methods on /openapi.json with 405', async () => {
    const response = await fetch(`${cell.apiUrl}/openapi.json`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('accepts an event at its own stage path and refuses it at another, naming the stage field', async () => {
    // Prepare
    const event = buildInvoiceEvent('posting', { status: 'posted' });
    const send = (stage: string) =>
      fetch(`${cell.apiUrl}/invoices/${stage}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': cell.apiKey },
        body: JSON.stringify(event),
      });
    // Act
    const wrong = await send('reconciliation');
    const right = await send('posting');
    // Assess
    expect(wrong.status).toBe(400);
    const error = (await wrong.json()) as { code: string; issues: { path: string }[] };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues.map((issue) => issue.path)).toContain('stage');
    expect(right.status).toBe(202);
  });
});
