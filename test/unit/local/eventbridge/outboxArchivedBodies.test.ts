import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import {
  cellBuses,
  eventBridgeClient,
  eventually,
  FakeQueues,
  invoiceEntry,
  perTestCleanups,
  queueUrlOf,
  startTestEmulator,
} from './support.ts';

/**
 * A live delivery of an archived event names the archived row instead of keeping a second copy of
 * the event (schema version 2): what the targets receive must still be the event exactly as
 * archived — after a restart, after the archive purged the event, and for rows a version-1 store
 * kept with their own body.
 */
const DB_FILE = 'eventbridge.sqlite';

function withDatabase<T>(dir: string, read: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(join(dir, DB_FILE));
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The version-1 outbox (body NOT NULL), filled from the version-2 rows with the bodies they name. */
const DOWNGRADE_TO_V1 = `
CREATE TABLE outbox_v1 (
  id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, rule TEXT NOT NULL, target_id TEXT NOT NULL, queue_url TEXT NOT NULL,
  body TEXT NOT NULL, replay_name TEXT, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL, last_error TEXT
) STRICT;
INSERT INTO outbox_v1 SELECT o.id, o.event_id, o.rule, o.target_id, o.queue_url, COALESCE(o.body, a.event), o.replay_name,
  o.attempts, o.next_attempt_ms, o.created_ms, o.last_error FROM outbox o LEFT JOIN archive_events a ON a.seq = o.archive_seq;
DROP TABLE outbox;
ALTER TABLE outbox_v1 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_ms, id);
CREATE INDEX outbox_by_replay ON outbox (replay_name) WHERE replay_name IS NOT NULL;
UPDATE eventbridge_meta SET value = '1' WHERE key = 'schema_version';
`;

describe('EventBridge emulator: deliveries of archived events', () => {
  const { cleanups, dataDir } = perTestCleanups();

  /** Accepts `entries` while every delivery fails, then stops: the rows stay in the outbox. */
  async function acceptWhileTargetsDown(dir: string, entries: ReturnType<typeof invoiceEntry>[], retentionDays = 0) {
    const down = new FakeQueues();
    down.failures = () => 'throw';
    const emulator = await startTestEmulator(dir, down, {
      delivery: { drainTimeoutMs: 100 },
      buses: cellBuses(retentionDays),
    });
    const client = eventBridgeClient(emulator.endpoint);
    const result = await client.send(new PutEventsCommand({ Entries: entries }));
    client.destroy();
    expect(emulator.outboxDepth()).toBe(entries.length);
    await emulator.stop();
    return result.Entries!.map((e) => e.EventId!);
  }

  it('keeps one copy of the event and delivers it exactly as archived', async () => {
    // Prepare
    const dir = dataDir();
    const ids = await acceptWhileTargetsDown(dir, [invoiceEntry('posting'), invoiceEntry('posting')]);
    const stored = withDatabase(dir, (db) =>
      db
        .prepare('SELECT o.body, a.event FROM outbox o JOIN archive_events a ON a.seq = o.archive_seq ORDER BY o.id')
        .all(),
    );
    expect(stored.map((r) => r.body)).toEqual([null, null]);

    // Act
    const up = new FakeQueues();
    const second = await startTestEmulator(dir, up);
    cleanups.push(() => second.stop());

    // Assess
    expect(await eventually(() => second.outboxDepth() === 0)).toBe(true);
    expect(up.messages.get(queueUrlOf('posting'))?.sort()).toEqual(stored.map((r) => r.event).sort());
    expect(up.bodies(queueUrlOf('posting')).map((b) => b.id)).toEqual(expect.arrayContaining(ids));
  });

  it('gives a pending delivery its own copy before the archive purges the event', async () => {
    // Prepare: events back-dated past the archive's one-day retention, their targets down.
    const dir = dataDir();
    const old = new Date(Date.now() - 10 * 24 * 3600_000);
    const entries = [invoiceEntry('ingestion', { time: old }), invoiceEntry('ingestion', { time: old })];
    const ids = await acceptWhileTargetsDown(dir, entries, 1);
    const archived = withDatabase(dir, (db) =>
      db
        .prepare('SELECT event FROM archive_events ORDER BY seq')
        .all()
        .map((r) => r.event),
    );

    // Act: the restart purges the expired events, then delivers.
    const up = new FakeQueues();
    const second = await startTestEmulator(dir, up, { buses: cellBuses(1) });
    cleanups.push(() => second.stop());

    // Assess
    expect(await eventually(() => second.outboxDepth() === 0)).toBe(true);
    expect(second.archive.count()).toBe(0);
    expect(up.messages.get(queueUrlOf('ingestion'))?.sort()).toEqual(archived.sort());
    expect(up.bodies(queueUrlOf('ingestion')).map((b) => b.id)).toEqual(expect.arrayContaining(ids));
  });

  it('migrates a version-1 store: its pending deliveries keep their bodies', async () => {
    // Prepare
    const dir = dataDir();
    const ids = await acceptWhileTargetsDown(dir, [invoiceEntry('authorization'), invoiceEntry('posting')]);
    const bodies = withDatabase(dir, (db) => {
      db.exec(DOWNGRADE_TO_V1);
      return db
        .prepare('SELECT body FROM outbox ORDER BY id')
        .all()
        .map((r) => r.body);
    });

    // Act
    const up = new FakeQueues();
    const second = await startTestEmulator(dir, up);
    await eventually(() => second.outboxDepth() === 0);
    await second.stop();

    // Assess
    expect([...up.messages.get(queueUrlOf('authorization'))!, ...up.messages.get(queueUrlOf('posting'))!]).toEqual(
      bodies,
    );
    expect([...up.bodies(queueUrlOf('authorization')), ...up.bodies(queueUrlOf('posting'))].map((b) => b.id)).toEqual(
      ids,
    );
    const version = withDatabase(dir, (db) =>
      db.prepare("SELECT value FROM eventbridge_meta WHERE key = 'schema_version'").get(),
    );
    expect(version?.value).toBe('2');
  });

  it('refuses a store of a newer version and leaves it as it was', async () => {
    const dir = dataDir();
    await acceptWhileTargetsDown(dir, [invoiceEntry('posting')]);
    withDatabase(dir, (db) => db.exec("UPDATE eventbridge_meta SET value = '3' WHERE key = 'schema_version'"));

    await expect(startTestEmulator(dir, new FakeQueues())).rejects.toThrow(/has schema version 3/);
    expect(withDatabase(dir, (db) => db.prepare('SELECT count(*) AS n FROM outbox').get()?.n)).toBe(1);
  });
});
