import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AcceptedLogWriter, readAcceptedLog } from '../../load-tests/acceptedLog.ts';
import { InvoiceEventGenerator } from '../../load-tests/invoiceEventGenerator.ts';
import { parseRequestBody } from '../../schemas/parseRequestBody.ts';
import { STAGES } from '../../schemas/stages.ts';

describe('load-test event generator', () => {
  const generator = new InvoiceEventGenerator({ runId: 'spec', invoicePool: 1000 });

  it('produces batches the contract accepts, for every stage', () => {
    for (const stage of STAGES) {
      for (let i = 0; i < 25; i += 1) {
        const post = generator.batch(10, stage);
        const parsed = parseRequestBody(stage, post.body);
        expect(parsed.success ? [] : parsed.issues).toEqual([]);
        expect(post.eventIds).toHaveLength(10);
      }
    }
  });

  it('produces single events the contract accepts, with and without the stage field', () => {
    for (let i = 0; i < 200; i += 1) {
      const post = generator.single();
      const parsed = parseRequestBody(post.stage, post.body);
      expect(parsed.success ? [] : parsed.issues).toEqual([]);
    }
  });

  it('never repeats an eventId and spreads events over many invoices and all stages', () => {
    const posts = Array.from({ length: 500 }, () => generator.batch(10));
    const eventIds = posts.flatMap((p) => p.eventIds);
    const invoices = new Set(posts.flatMap((p) => p.invoiceIds));
    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect(invoices.size).toBeGreaterThan(900);
    expect(new Set(posts.map((p) => p.stage))).toEqual(new Set(STAGES));
    for (const invoiceId of invoices) expect(invoiceId).toMatch(/^LT-spec-\d+$/);
  });

  it('refuses a run id that would make invalid invoice ids', () => {
    expect(() => new InvoiceEventGenerator({ runId: 'has space' })).toThrow(RangeError);
  });
});

describe('accepted-events log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bems-accepted-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what the writers appended, and reports repeats and torn lines', () => {
    const path = join(dir, 'accepted.jsonl');
    const a = new AcceptedLogWriter(path);
    const b = new AcceptedLogWriter(path);
    a.append([
      { eventId: 'e1', invoiceId: 'i1', stage: 'posting', acceptedAt: 1 },
      { eventId: 'e2', invoiceId: 'i2', stage: 'posting', acceptedAt: 1 },
    ]);
    b.append([{ eventId: 'e1', invoiceId: 'i1', stage: 'posting', acceptedAt: 2 }]);
    a.close();
    b.close();
    writeFileSync(path, '{"eventId":"e3","invo', { flag: 'a' });
    const log = readAcceptedLog(path);
    expect(log.events.map((e) => e.eventId)).toEqual(['e1', 'e2', 'e1']);
    expect(log.repeatedEventIds).toEqual(['e1']);
    expect(log.malformedLines).toBe(1);
  });
});
