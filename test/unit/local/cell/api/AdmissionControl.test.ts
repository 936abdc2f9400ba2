import { afterEach, describe, expect, it } from 'vitest';
import { AdmissionControl } from '../../../../../local/cell/api/AdmissionControl.ts';

describe('AdmissionControl', () => {
  let control: AdmissionControl | undefined;
  afterEach(() => control?.stop());

  it('admits up to maxInFlight requests and refuses the next with the configured Retry-After', () => {
    control = new AdmissionControl({
      maxInFlight: 2,
      maxEventLoopDelayMs: 0,
      maxRequestAgeMs: 0,
      retryAfterSeconds: 3,
    });
    const first = control.tryEnter();
    const second = control.tryEnter();
    const third = control.tryEnter();
    expect(first.ok && second.ok).toBe(true);
    expect(third).toEqual({ ok: false, reason: '2 requests are in progress (the limit is 2)', retryAfterSeconds: 3 });
    expect(control.stats()).toMatchObject({ inFlight: 2, admitted: 2, refused: 1 });
  });

  it('admits again once a request is answered, and counts a double leave once', () => {
    control = new AdmissionControl({
      maxInFlight: 1,
      maxEventLoopDelayMs: 0,
      maxRequestAgeMs: 0,
      retryAfterSeconds: 1,
    });
    const first = control.tryEnter();
    if (!first.ok) throw new Error('the first request must be admitted');
    first.leave();
    first.leave();
    expect(control.stats().inFlight).toBe(0);
    expect(control.tryEnter().ok).toBe(true);
    expect(control.tryEnter().ok).toBe(false);
  });

  it('refuses while the event loop runs later than maxEventLoopDelayMs', async () => {
    control = new AdmissionControl({
      maxInFlight: 100,
      maxEventLoopDelayMs: 250,
      maxRequestAgeMs: 0,
      retryAfterSeconds: 1,
    });
    // Prepare: stall the loop for 800 ms (well past the limit, even on a busy machine), then let the 100 ms sampler run once.
    await new Promise((r) => setTimeout(r, 120));
    const until = Date.now() + 800;
    while (Date.now() < until) {
      // busy
    }
    // The sampler was due during the stall: it runs before this later timer does.
    await new Promise((r) => setTimeout(r, 1));
    const refused = control.tryEnter();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reason).toMatch(/the cell runs \d+ ms behind \(the limit is 250 ms\)/);
    // Assess: a loop on time admits again (within a few samples).
    let admitted = false;
    for (let i = 0; i < 30 && !admitted; i++) {
      await new Promise((r) => setTimeout(r, 100));
      admitted = control.tryEnter().ok;
    }
    expect(admitted).toBe(true);
  });

  it('refuses while the oldest request in progress has waited longer than maxRequestAgeMs', async () => {
    control = new AdmissionControl({
      maxInFlight: 100,
      maxEventLoopDelayMs: 0,
      maxRequestAgeMs: 50,
      retryAfterSeconds: 1,
    });
    const slow = control.tryEnter();
    if (!slow.ok) throw new Error('the first request must be admitted');
    expect(control.tryEnter().ok).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    const refused = control.tryEnter();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reason).toMatch(/a request in progress has waited \d+ ms \(the limit is 50 ms\)/);
    slow.leave();
    // The next oldest is as old: still refused until it is answered too.
    expect(control.tryEnter().ok).toBe(false);
  });

  it('rejects a limit below one request', () => {
    expect(
      () => new AdmissionControl({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxRequestAgeMs: 0, retryAfterSeconds: 1 }),
    ).toThrow(/maxInFlight must be at least 1/);
  });

  it("judges by another loop's lateness when given one (the API front asks the main thread's heartbeat)", () => {
    // Prepare: the loop that does the work (not this one) runs 1,500 ms late, then catches up.
    let mainDelayMs = 1_500;
    control = new AdmissionControl(
      { maxInFlight: 100, maxEventLoopDelayMs: 1_000, maxRequestAgeMs: 0, retryAfterSeconds: 1 },
      () => mainDelayMs,
    );

    // Act + Assess
    const refused = control.tryEnter();
    expect(refused).toMatchObject({ ok: false, reason: 'the cell runs 1500 ms behind (the limit is 1000 ms)' });
    expect(control.stats().eventLoopDelayMs).toBe(1_500);
    mainDelayMs = 20;
    expect(control.tryEnter().ok).toBe(true);
  });
});
