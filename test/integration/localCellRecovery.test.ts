import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANALYTICS_STORES, type AnalyticsStore } from '../../schemas/analyticsRecord.ts';
import {
  buildInvoiceRun,
  type PostRequest,
  postInvoices,
  postInvoicesUntilSettled,
  seededRandom,
  toRequests,
  waitForDrain,
  waitForTimelines,
  withConcurrency,
} from '../helpers/localCellTraffic.ts';

/**
 * kill -9 in the middle of a run: the local cell runs as `npm start` would run it (local/main.ts in
 * a child process), is killed with SIGKILL while 5,000 events are being sent, and is started again
 * on the same data directory. The recovery procedure is only that restart: the archive and outbox
 * (EventBridge emulator), the queues (fauxqs) and the analytics store (the Timestream emulator, or
 * the Firehose emulator's Iceberg table: `--analytics lakehouse`) are all durable, and messages a
 * dead poller held in flight are released at start. Every event that got a 202 must then be
 * visible exactly once, with either store.
 *
 * The lakehouse run is smaller (2,000 events): the Timestream run already measures recovery at
 * 5,000, and what differs between the stores — a write the kill cut short, redelivered after the
 * restart, must update its row rather than add one — happens at any size.
 */
const INVOICES: Readonly<Record<AnalyticsStore, number>> = { timestream: 1250, lakehouse: 500 };

const REPO = join(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];
const dataDirs: string[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface RunningChild {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly output: () => string;
}

/** Starts `local/main.ts` on a free port with `store` and waits for the banner with its URL and key. */
function startCellProcess(dir: string, store: AnalyticsStore): Promise<RunningChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/main.ts', '--port', '0', '--data-dir', dir, '--analytics', store, '--quiet'],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local cell did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const apiUrl = /API\s+(http\S+)/.exec(output)?.[1];
      const apiKey = /API key\s+(\S+)/.exec(output)?.[1];
      if (apiUrl && apiKey) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve({ child, apiUrl, apiKey, output: () => output });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`local cell exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe.each(ANALYTICS_STORES)('local cell recovery after kill -9 (%s store)', (store) => {
  it('shows every event that got a 202 exactly once after a SIGKILL mid-run and a restart on the same data directory', async () => {
    // Prepare: 1,250 invoices × 4 stages = 5,000 events (500 × 4 for the lakehouse)
    const dataDir = mkdtempSync(join(tmpdir(), 'bems-local-kill-'));
    dataDirs.push(dataDir);
    const random = seededRandom(99);
    const events = buildInvoiceRun({ invoices: INVOICES[store], prefix: 'KILL', seed: 99 });
    const requests = toRequests(events, random);
    const accepted = new Set<string>();
    const unanswered: PostRequest[] = [];
    const killAfter = Math.floor(events.length * 0.4);

    // Act 1: send until 40% are accepted, then SIGKILL the cell while requests are in flight
    const first = await startCellProcess(dataDir, store);
    expect(first.output()).toContain(`analytics ${store}:`);
    let killed = false;
    await withConcurrency(requests, 8, async (request) => {
      if (killed) return void unanswered.push(request);
      try {
        const result = await postInvoices(first.apiUrl, first.apiKey, request);
        if (result.status !== 202) throw new Error(`HTTP ${result.status} ${JSON.stringify(result.body)}`);
        for (const event of request.events) accepted.add(event.eventId);
        if (!killed && accepted.size >= killAfter) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      } catch {
        if (!killed) throw new Error(`request failed before the kill:\n${first.output()}`);
        unanswered.push(request); // the connection died with the cell: the client does not know
      }
    });
    const firstExit = await exited(first.child);
    const acceptedBeforeKill = accepted.size;

    // Act 2: restart on the same data directory; the client re-sends what got no answer
    const second = await startCellProcess(dataDir, store);
    const backlog = (await (await fetch(`${second.apiUrl}/health`)).json()) as {
      components: { eventBridge: { outboxDepth: number } };
      queues: { visible: number; inFlight: number }[];
    };
    const backlogAtRestart =
      backlog.components.eventBridge.outboxDepth +
      backlog.queues.reduce((sum, queue) => sum + queue.visible + queue.inFlight, 0);
    const retried = await withConcurrency(unanswered, 8, (request) =>
      postInvoicesUntilSettled(second.apiUrl, second.apiKey, request),
    );
    for (const result of retried)
      if (result.status === 202) for (const event of result.request.events) accepted.add(event.eventId);
    const lastAcceptedAt = Math.max(...retried.map((result) => result.at), Date.now());
    const expected = new Map<string, Set<string>>();
    for (const event of events.filter((e) => accepted.has(e.eventId)))
      expected.set(event.invoiceId, (expected.get(event.invoiceId) ?? new Set()).add(event.eventId));
    await waitForDrain(second.apiUrl, lastAcceptedAt + 60_000);
    const timelines = await waitForTimelines(second.apiUrl, second.apiKey, expected, lastAcceptedAt + 60_000);
    const visibleAfterMs = Date.now() - lastAcceptedAt;
    second.child.kill('SIGTERM');
    const secondExit = await exited(second.child);
    console.info(
      `[localCellRecovery ${store}] killed after ${acceptedBeforeKill} accepted events; backlog at restart ${backlogAtRestart} ` +
        `(outbox rows + queued messages); ${unanswered.length} requests re-sent; all ${accepted.size} visible ` +
        `${visibleAfterMs} ms after the last 202`,
    );

    // Assess
    expect(firstExit.signal).toBe('SIGKILL');
    expect(acceptedBeforeKill).toBeGreaterThanOrEqual(killAfter);
    expect(backlogAtRestart, 'the kill should leave work in flight for the restart to recover').toBeGreaterThan(0);
    expect(
      retried.filter((result) => result.status !== 202).map((r) => `${r.status} ${JSON.stringify(r.body)}`),
    ).toEqual([]);
    expect(accepted.size).toBe(events.length);
    const problems: string[] = [];
    for (const [invoiceId, eventIds] of expected) {
      const seen = timelines.get(invoiceId)?.events.map((event) => event.eventId) ?? [];
      if (seen.length !== eventIds.size || seen.some((id) => !eventIds.has(id)))
        problems.push(`${invoiceId}: expected ${eventIds.size} events, saw ${seen.length} (${seen.join(',')})`);
    }
    expect(problems.slice(0, 10), second.output()).toEqual([]);
    expect(secondExit, second.output()).toEqual({ code: 0, signal: null });
  }, 300_000);
});
