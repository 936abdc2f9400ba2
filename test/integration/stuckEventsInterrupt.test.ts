import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLocalCell } from '../../local/cell/index.ts';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import {
  bems,
  dlqDepth,
  fastPostingCell,
  postEvents,
  postingEvents,
  postingFault,
  recordedEventIds,
  startCell,
  tempDataDir,
  waitFor,
} from './stuckEventsSupport.ts';

const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Issue 5, "Done when" 3: a redrive stopped half-way and run again still ends with every event
 * recorded exactly once — stopped in-process (the AbortSignal Ctrl-C raises) and with a real SIGINT
 * to a `bems` child process.
 */
describe('stuck events: an interrupted redrive loses and duplicates nothing', () => {
  const data = tempDataDir('stuck-interrupt');
  let cell: RunningLocalCell;

  /** Puts `events` into the posting DLQ, then removes the fault so a redrive can succeed. */
  async function strand(events: readonly InvoiceEvent[], prefix: string) {
    cell.faults.setRules([postingFault(prefix)]);
    await postEvents(cell, 'posting', events);
    await waitFor(
      `${events.length} events in the DLQ`,
      async () => (await dlqDepth(cell, 'posting')) === events.length,
    );
    cell.faults.setRules([]);
  }

  function allRecorded(events: readonly InvoiceEvent[]): boolean {
    const ids = new Set(recordedEventIds(cell, 'posting'));
    return events.every((event) => ids.has(event.eventId));
  }

  function expectRecordedOnce(events: readonly InvoiceEvent[]) {
    const ids = recordedEventIds(cell, 'posting');
    for (const event of events) expect(ids.filter((id) => id === event.eventId)).toHaveLength(1);
    expect(cell.readModel.duplicateIdentities()).toEqual([]);
  }

  beforeAll(async () => {
    cell = await startCell(data.dir, fastPostingCell());
  });
  afterAll(async () => {
    await cell?.stop();
    data.remove();
  });

  it('stopped half-way in process (Ctrl-C signal) and run again', async () => {
    // Prepare
    const events = postingEvents('HALF-', 300);
    await strand(events, 'HALF-');
    const interrupt = new AbortController();
    const watcher = waitFor('a third of the DLQ moved', async () => (await dlqDepth(cell, 'posting')) <= 200).then(() =>
      interrupt.abort(),
    );

    // Act
    const stopped = await bems(data.dir, ['redrive', 'posting', '--rate', '60'], { signal: interrupt.signal });
    await watcher;
    const left = await dlqDepth(cell, 'posting');
    const again = await bems(data.dir, ['redrive', 'posting', '--rate', '500']);
    await waitFor('every event recorded', () => allRecorded(events));

    // Assess
    expect(stopped.code).toBe(130);
    expect(stopped.out).toContain('Interrupted');
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(300);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`${left} redriven`);
    expectRecordedOnce(events);
    expect(await dlqDepth(cell, 'posting')).toBe(0);
  }, 180_000);

  it('stopped half-way by SIGINT to the bems process and run again', async () => {
    // Prepare
    const events = postingEvents('SIGINT-', 200);
    await strand(events, 'SIGINT-');
    const child = spawn(process.execPath, ['--import', 'tsx', 'ops/cli.ts', 'redrive', 'posting', '--rate', '40'], {
      cwd: REPOSITORY,
      env: { ...process.env, BEMS_DATA_DIR: data.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    // Act
    await waitFor('the child to move some messages', async () => (await dlqDepth(cell, 'posting')) <= 150, 90_000);
    child.kill('SIGINT');
    const code = await exited;
    const left = await dlqDepth(cell, 'posting');
    const again = await bems(data.dir, ['redrive', 'posting', '--rate', '500']);
    await waitFor('every event recorded', () => allRecorded(events));

    // Assess
    expect({ code, stderr }).toMatchObject({
      code: 130,
      stderr: expect.stringContaining('stopping after the current step'),
    });
    expect(stdout).toContain('Interrupted');
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(200);
    expect(again.code).toBe(0);
    expectRecordedOnce(events);
    expect(await dlqDepth(cell, 'posting')).toBe(0);
  }, 180_000);
});
