import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAcceptedLog } from '../../load-tests/acceptedLog.ts';
import { storeRecordSource } from '../../load-tests/recordSources.ts';
import { verifyCompleteness } from '../../load-tests/verifyCompleteness.ts';
import { type RunningLocalCell, startLocalCell } from '../../local/cell/LocalCell.ts';
import { runCommand } from '../helpers/runCommand.ts';

/**
 * The load scenario's smoke version, in `npm test`: real Artillery (installed on demand by
 * load-tests/install.sh, as a developer would) drives load-tests/smoke.yml — a few seconds of the
 * month-end mix at a low rate — against a local cell on port 0, and the completeness verifier
 * checks the cell's Timestream store: every eventId that got a 202 recorded exactly once.
 *
 * The child processes are spawned asynchronously: the cell runs in this process and must keep
 * serving while Artillery runs.
 */
const run = runCommand;

describe('load scenario smoke (Artillery against a local cell)', () => {
  const work = mkdtempSync(join(tmpdir(), 'bems-smoke-'));
  const acceptedFile = join(work, 'accepted.jsonl');
  const reportFile = join(work, 'report.json');
  const runId = `smoke${process.pid}`;
  let cell: RunningLocalCell;

  beforeAll(async () => {
    const install = await run('bash', ['load-tests/install.sh'], {}, 540_000);
    expect(install.code, install.output).toBe(0);
    cell = await startLocalCell({ port: 0, dataDir: join(work, 'data'), quiet: true });
  }, 600_000);

  afterAll(async () => {
    await cell?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('records every event Artillery got a 202 for exactly once', async () => {
    // Act: a few seconds of single and batch POSTs over all four stages.
    const artillery = await run(
      'bash',
      ['load-tests/artillery.sh', 'run', '--output', reportFile, 'load-tests/smoke.yml'],
      { BEMS_URL: cell.apiUrl, BEMS_API_KEY: cell.apiKey, BEMS_ACCEPTED_FILE: acceptedFile, BEMS_RUN_ID: runId },
      120_000,
    );
    expect(artillery.code, artillery.output).toBe(0);

    // Assess: what Artillery counted matches the log the verifier reads …
    const counters = JSON.parse(readFileSync(reportFile, 'utf8')).aggregate.counters as Record<string, number>;
    const log = readAcceptedLog(acceptedFile);
    expect(log.malformedLines).toBe(0);
    expect(log.repeatedEventIds).toEqual([]);
    expect(counters['http.codes.202']).toBeGreaterThan(0);
    expect(log.events.length).toBe(counters['bems.events_accepted']);
    expect(counters['bems.events_accepted']).toBe(counters['bems.events_sent']);
    expect(new Set(log.events.map((e) => e.stage)).size).toBeGreaterThan(1);

    // … and the store holds each accepted event exactly once, well within the 2-minute promise.
    const report = await verifyCompleteness({
      accepted: log.events,
      source: storeRecordSource(cell.store, { invoicePrefix: `LT-${runId}-`, readModel: cell.readModel }),
      deadlineMs: 110_000,
    });
    expect(report.missing).toEqual([]);
    expect(report.duplicates).toEqual([]);
    expect(report.recorded).toBe(log.events.length);
    expect(report.visibilityMs.max).toBeLessThan(120_000);
  }, 300_000);
});
