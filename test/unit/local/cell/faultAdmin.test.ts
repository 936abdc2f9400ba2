import { describe, expect, it } from 'vitest';
import { localCell } from '../../../../cells/cells.config.ts';
import { cellPorts } from '../../../../local/cell/cellPorts.ts';
import { FaultInjector, fastRetryTimings, faultAdmin } from '../../../../local/cell/faults/index.ts';

describe('the fault admin endpoint', () => {
  it('adds, lists and removes rules, which the injector applies at once', async () => {
    // Prepare
    const faults = new FaultInjector();
    const admin = faultAdmin(faults);
    const target = { handler: 'consume', stage: 'posting', invoiceId: 'INV-13-1' } as const;

    // Act
    const added = await admin({
      method: 'POST',
      path: 'faults',
      body: { handler: 'consume', invoiceIdPattern: '^INV-13' },
    });
    const matched = faults.match(target);
    await admin({
      method: 'POST',
      path: 'faults',
      body: { handler: 'forward', invoiceIdPattern: '.', mode: 'timeout' },
    });
    const removed = await admin({ method: 'DELETE', path: 'faults/1', body: undefined });
    const listed = await admin({ method: 'GET', path: 'faults', body: undefined });

    // Assess
    expect(added).toEqual({ status: 201, body: { rules: [{ handler: 'consume', invoiceIdPattern: '^INV-13' }] } });
    expect(matched).toBe('error');
    expect(removed.status).toBe(200);
    expect(listed.body).toEqual({ rules: [{ handler: 'forward', invoiceIdPattern: '.', mode: 'timeout' }] });
    expect(faults.match(target)).toBeUndefined();
  });

  it('refuses an invalid rule with its reason and keeps the rules it had', async () => {
    const faults = new FaultInjector([{ handler: 'ingest', invoiceIdPattern: '^X' }]);
    const admin = faultAdmin(faults);
    const answers = await Promise.all([
      admin({ method: 'POST', path: 'faults', body: { handler: 'consume', invoiceIdPattern: '(' } }),
      admin({ method: 'POST', path: 'faults', body: { handler: 'consume', invoiceIdPattern: 'x', stgae: 'posting' } }),
      admin({ method: 'POST', path: 'faults', body: [] }),
      admin({ method: 'DELETE', path: 'faults/2', body: undefined }),
      admin({ method: 'PUT', path: 'faults', body: undefined }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 404, 405]);
    expect((answers[1]!.body as { message: string }).message).toContain('unknown fault rule field(s) stgae');
    expect(faults.list()).toEqual([{ handler: 'ingest', invoiceIdPattern: '^X' }]);
  });
});

describe('--fast and --port', () => {
  it('divides visibility timeouts (not below 3 s) and keeps every other queue setting', () => {
    const cell = localCell();
    const fast = fastRetryTimings(cell);
    const before = cell.stages.posting.consumers[0]!.queue;
    const after = fast.stages.posting.consumers[0]!.queue;
    expect(after).toEqual({ ...before, visibilityTimeoutSeconds: 3 });
    expect(fast.stages.posting.inbox.maxReceiveCount).toBe(cell.stages.posting.inbox.maxReceiveCount);
  });

  it('puts the gateway on the port after the API’s, and 0 everywhere for 0', () => {
    expect(cellPorts(4010)).toEqual({ api: 4010, gateway: 4011 });
    expect(cellPorts(0)).toEqual({ api: 0, gateway: 0 });
    expect(() => cellPorts(65_535)).toThrow('the base port must be 0 (any) or from 1 to 65534');
  });
});
