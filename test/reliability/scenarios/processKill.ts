import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalyticsStore } from '../../../schemas/analyticsRecord.ts';
import { CellProcess } from '../support/CellProcess.ts';
import { RetryingClient, sendPaced, sleep } from '../support/RetryingClient.ts';
import { reliabilityCell, scenarioDataRoot } from '../support/reliabilityCell.ts';
import type { ScenarioResult } from '../support/ScenarioResult.ts';
import { buildScenarioEvents, eventIdsWhere, toScenarioRequests } from '../support/scenarioEvents.ts';
import { seededRandom } from '../support/seededRandom.ts';
import { verifyNothingLost } from '../support/verifyNothingLost.ts';
import { portion, type ScenarioSize } from './ScenarioSize.ts';

/**
 * The whole cell process is killed with SIGKILL while load runs — at seeded moments, `kills`
 * times — and started again on the same data directory each time. Clients see refused connections
 * and lost answers, and retry the same eventIds against the restarted cell. Durable state (the
 * EventBridge archive and outbox, fauxqs' queues, the analytics store: Timestream's or the
 * lakehouse's) must carry every accepted
 * event through, and messages left in flight by the dead process are released on start.
 */
export async function processKillScenario(
  size: ScenarioSize,
  store: AnalyticsStore = 'timestream',
): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const random = seededRandom(size.seed + 70);
  const dataDir = mkdtempSync(join(scenarioDataRoot(), 'bems-reliability-sigkill-'));
  const cell = await CellProcess.start(dataDir, reliabilityCell({}, { analytics: { store } }));
  try {
    const events = buildScenarioEvents({ seed: size.seed + 71, invoices: portion(size, 1), prefix: 'LOAD', random });
    const client = new RetryingClient({
      apiUrl: () => cell.apiUrl,
      apiKey: cell.ready.apiKey,
      random,
      // A restart takes a few seconds and a request may meet several: the client keeps trying.
      retryForMs: 90_000,
    });
    const loadMs = 4_000 * size.kills + 2_000;
    const sending = sendPaced(client, toScenarioRequests(events, random), loadMs);
    const killTimes: number[] = [];
    for (let k = 0; k < size.kills; k++) {
      // Somewhere in the middle half of this kill's slice of the load.
      const slice = loadMs / size.kills;
      await sleep(Math.max(0, startedAt + k * slice + slice * (0.25 + random() * 0.5) - Date.now()));
      killTimes.push(Date.now() - startedAt);
      await cell.kill();
      await cell.restart();
    }
    const outcomes = await sending;
    return await verifyNothingLost({
      scenario: `SIGKILL of the cell process during load (${size.kills}×) and restart`,
      fault: 'kill -9 of the process running the whole cell, restart on the same data directory',
      probe: cell,
      outcomes,
      affected: eventIdsWhere(events, () => true),
      startedAt,
      settleTimeoutMs: 90_000,
      facts: () => ({ kills: killTimes.length, lostAnswers: outcomes.filter((o) => o.statuses.includes(0)).length }),
      notes: [
        `requests never accepted: ${outcomes.filter((o) => o.accepted.length === 0).length}`,
        `killed at ${killTimes.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`,
        `requests that saw a refused connection or lost answer and retried: ${outcomes.filter((o) => o.statuses.includes(0)).length}`,
      ],
    });
  } finally {
    await cell.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
