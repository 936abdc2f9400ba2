import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CELL } from '../../cells/cells.config.ts';
import { parseCellDefinition } from '../../cells/definition.ts';
import { type RunningLocalCell, startLocalCell } from '../../local/cell/index.ts';
import {
  buildInvoiceRun,
  postInvoices,
  seededRandom,
  toRequests,
  withConcurrency,
} from '../helpers/localCellTraffic.ts';

/**
 * A Fargate consumer locally: the poller runtime (runtimes/fargatePoller) in its own process, the
 * same consume handler, against the local SQS. The process is killed with SIGKILL while it holds a
 * batch — after the handler may have written some of it and before the batch was deleted — and the
 * cell replaces it, as the ECS service scheduler replaces a stopped task. The messages it held come
 * back after their visibility timeout; every event must then be recorded by that consumer exactly
 * once: no loss (the queue is the record of what is not done), no duplicate (eventId idempotency).
 */
const VISIBILITY_TIMEOUT_SECONDS = 4;
const INVOICES = 150;

const cell = parseCellDefinition({
  ...LOCAL_CELL,
  id: 'fargate-kill',
  stages: {
    posting: {
      consumers: [
        { name: 'recorder' },
        { name: 'ledger', kind: 'fargate', queue: { visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS } },
      ],
    },
  },
});

let dataDir: string;
let running: RunningLocalCell;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bems-fargate-kill-'));
  running = await startLocalCell({ port: 0, dataDir, cell, quiet: true, monitorIntervalMs: 0 });
}, 60_000);
afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Messages of the Fargate consumer's queue, visible and in flight, as the cell's health reports them. */
async function ledgerQueueDepth(): Promise<{ visible: number; inFlight: number }> {
  const health = (await (await fetch(`${running.apiUrl}/health`)).json()) as {
    queues: { name: string; visible: number; inFlight: number }[];
  };
  return health.queues.find((q) => q.name === 'bems-fargate-kill-posting-ledger.fifo')!;
}

const ledgerCount = () =>
  running.store.query<{ n: number }>(
    "SELECT count(DISTINCT event_id) AS n FROM invoice_events WHERE consumer = 'ledger' AND stage = 'posting'",
  )[0]!.n;

describe('a Fargate-kind consumer in the local cell', () => {
  it('runs as its own process with the plan environment of its service', () => {
    const [service] = running.services;
    expect(service?.plan.functionName).toBe('bems-fargate-kill-consume-posting-ledger');
    expect(service?.tasks).toHaveLength(1);
    expect(service!.tasks[0]!.pid).toBeGreaterThan(0);
    expect(service!.tasks[0]!.pid).not.toBe(process.pid);
    expect(service!.environment).toMatchObject({
      CONSUMER_NAME: 'ledger',
      POLLER_BATCH_SIZE: '10',
      POLLER_VISIBILITY_TIMEOUT_SECONDS: String(VISIBILITY_TIMEOUT_SECONDS),
    });
    // No Lambda-style function serves that queue: only the service does.
    expect(running.functions.map((f) => f.functionName)).not.toContain('bems-fargate-kill-consume-posting-ledger');
  });

  it('loses and duplicates nothing when its process is killed with SIGKILL in the middle of a batch', async () => {
    // Prepare: posting events only (the stage the Fargate consumer serves).
    const task = running.services[0]!.tasks[0]!;
    const events = buildInvoiceRun({ invoices: INVOICES, prefix: 'FGK', seed: 17 }).filter(
      (e) => e.stage === 'posting',
    );
    const requests = toRequests(events, seededRandom(17));
    const posting = withConcurrency(requests, 4, (request) => postInvoices(running.apiUrl, running.apiKey, request));

    // Act: kill the process while it holds a batch, once it has finished a few.
    await until(
      'a batch in flight after two finished',
      () => {
        const stats = task.describe();
        return stats.batchesFinished >= 2 && stats.batchInFlight;
      },
      60_000,
    );
    const killedPid = task.pid!;
    process.kill(killedPid, 'SIGKILL');
    const results = await posting;
    expect(results.every((r) => r.status === 202)).toBe(true);

    // Assess: replaced, and every event recorded by the consumer exactly once.
    await until('the task replaced', () => task.describe().restarts === 1 && task.pid !== killedPid, 30_000);
    await until(`${events.length} ledger records`, () => ledgerCount() >= events.length, 90_000);
    // The batch the killed process held comes back after its visibility timeout and is processed
    // again (its records were possibly written already): wait until the queue is empty.
    await until(
      'the ledger queue drained',
      async () => {
        const depth = await ledgerQueueDepth();
        return depth.visible + depth.inFlight === 0;
      },
      60_000,
    );
    expect(ledgerCount()).toBe(events.length);
    expect(running.readModel.duplicateIdentities({ consumer: 'ledger' })).toEqual([]);
    expect(running.readModel.eventIds({ consumer: 'ledger' }).sort()).toEqual(events.map((e) => e.eventId).sort());
    // The primary Lambda consumer of the stage was not disturbed.
    expect(running.readModel.eventIds({ consumer: 'recorder', stage: 'posting' })).toHaveLength(events.length);
  }, 180_000);

  it('drains on SIGTERM: the batch in flight is finished and deleted before the process exits 0', async () => {
    // Prepare: a backlog, so the task holds a batch when it is told to stop.
    const task = running.services[0]!.tasks[0]!;
    const events = buildInvoiceRun({ invoices: 80, prefix: 'FGT', seed: 23 }).filter((e) => e.stage === 'posting');
    const requests = toRequests(events, seededRandom(23));
    const posting = withConcurrency(requests, 4, (request) => postInvoices(running.apiUrl, running.apiKey, request));
    const finishedBefore = task.describe().batchesFinished;
    await until('a batch in flight', () => task.describe().batchInFlight, 60_000);

    // Act
    await task.stop();
    await posting;

    // Assess: exited by itself (not SIGKILL), having finished the batch it held: nothing of the
    // ledger queue is left in flight (an abandoned batch would stay invisible for its timeout).
    const stats = task.describe();
    expect(stats).toMatchObject({ state: 'stopped', batchInFlight: false, lastExit: { code: 0, signal: null } });
    expect(stats.batchesFinished).toBeGreaterThan(finishedBefore);
    expect((await ledgerQueueDepth()).inFlight).toBe(0);
  }, 120_000);
});
