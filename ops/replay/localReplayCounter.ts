import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { ARCHIVE_COUNT_PATH } from '../../local/cell/api/archiveCountRoute.ts';
import { READ_MODEL_VIEW } from '../../schemas/analyticsRecord.ts';
import { detailTypeFor } from '../../schemas/envelope.ts';
import type { Stage } from '../../schemas/stages.ts';
import type { Count, ReplayCounter, ReplayWindow } from './ReplayCounter.ts';

/**
 * The local cell's counts: the archive's, exact, from the running cell (its emulator holds the file
 * exclusively), and the recorded ones read-only from the read model's view over the analytics store.
 */
export function localReplayCounter(options: {
  /** The local cell's API (it answers the archive count: the emulator holds the archive file). */
  readonly apiUrl: string;
  readonly archiveName: string;
  /** The analytics store's SQLite file (the read model's view lives in it). */
  readonly storeFile: string;
  /** The first consumer of each stage: the one whose records count. */
  readonly primaryConsumers: Readonly<Record<string, string>>;
}): ReplayCounter {
  const read = (file: string, sql: string, params: (string | number)[]): number | null => {
    if (!existsSync(file)) return null;
    const database = new DatabaseSync(file, { readOnly: true });
    try {
      database.exec('PRAGMA busy_timeout = 5000');
      const row = database.prepare(sql).get(...params) as { n?: number } | undefined;
      return Number(row?.n ?? 0);
    } finally {
      database.close();
    }
  };
  return {
    async archived(window: ReplayWindow): Promise<Count> {
      const query = new URLSearchParams({
        archive: options.archiveName,
        from: String(window.fromMs),
        to: String(window.toMs),
      });
      for (const stage of window.stages) query.append('detailType', detailTypeFor(stage as Stage));
      try {
        const response = await fetch(`${options.apiUrl}${ARCHIVE_COUNT_PATH}?${query}`, {
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok) return { count: null, method: `the local cell answered ${response.status}` };
        const { count } = (await response.json()) as { count: number };
        return { count, method: 'the local archive (exact)' };
      } catch (error) {
        return { count: null, method: `the local cell did not answer: ${(error as Error).message}` };
      }
    },
    async recorded(window: ReplayWindow): Promise<Count> {
      const pairs = window.stages.map((s) => [s, options.primaryConsumers[s] ?? ''] as const);
      const count = read(
        options.storeFile,
        `SELECT count(DISTINCT event_id) AS n FROM ${READ_MODEL_VIEW} WHERE received_at_ms >= ? AND received_at_ms < ? AND (${pairs.map(() => '(stage = ? AND consumer = ?)').join(' OR ')})`,
        [window.fromMs, window.toMs, ...pairs.flat()],
      );
      return { count, method: count === null ? 'no analytics store file' : 'the local read model' };
    },
    async recordedOf(stage: string, eventIds: readonly string[]): Promise<Count> {
      if (eventIds.length === 0) return { count: 0, method: 'the local read model' };
      const count = read(
        options.storeFile,
        `SELECT count(DISTINCT event_id) AS n FROM ${READ_MODEL_VIEW} WHERE stage = ? AND consumer = ? AND event_id IN (${eventIds.map(() => '?').join(', ')})`,
        [stage, options.primaryConsumers[stage] ?? '', ...eventIds],
      );
      return { count, method: count === null ? 'no analytics store file' : 'the local read model' };
    },
  };
}
