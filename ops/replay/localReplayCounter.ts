import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DATABASE_FILE } from '../../local/eventbridge/store/openDatabase.ts';
import { READ_MODEL_VIEW } from '../../schemas/analyticsRecord.ts';
import { detailTypeFor } from '../../schemas/envelope.ts';
import type { Stage } from '../../schemas/stages.ts';
import type { Count, ReplayCounter, ReplayWindow } from './ReplayCounter.ts';

/**
 * The local cell's counts, read-only from its files: the EventBridge emulator's archive table
 * (exact) and the read model's view over the analytics store.
 */
export function localReplayCounter(options: {
  readonly dataDir: string;
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
      const types = window.stages.map((s) => detailTypeFor(s as Stage));
      const count = read(
        join(options.dataDir, DATABASE_FILE),
        `SELECT count(*) AS n FROM archive_events WHERE archive = ? AND time_ms >= ? AND time_ms < ? AND detail_type IN (${types.map(() => '?').join(', ')})`,
        [options.archiveName, window.fromMs, window.toMs, ...types],
      );
      return { count, method: count === null ? 'no archive file' : 'the local archive (exact)' };
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
