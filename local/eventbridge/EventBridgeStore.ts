import type { DatabaseSync } from 'node:sqlite';
import { inImmediateTransaction } from '../sqlite/inImmediateTransaction.ts';
import { StatementCache } from '../sqlite/StatementCache.ts';
import type { EmulatorTopology } from './resolveTopology.ts';
import { ArchiveTable } from './store/ArchiveTable.ts';
import { Outbox, type OutboxEntry, type PendingDelivery } from './store/Outbox.ts';
import { openDatabase } from './store/openDatabase.ts';
import { type ReplayProgress, ReplayTable } from './store/ReplayTable.ts';

export interface AcceptedEvent {
  readonly eventId: string;
  /** The archive that keeps this event, if its bus has one. */
  readonly archive?: string;
  /** Event time in epoch ms (the `time` field, at millisecond precision). */
  readonly timeMs: number;
  readonly detailType: string;
  /** The whole EventBridge event as JSON, exactly as targets receive it. */
  readonly json: string;
  readonly deliveries: readonly PendingDelivery[];
}

/**
 * The emulator's state in `<dataDir>/eventbridge.sqlite` (opened by {@link openDatabase}, which
 * explains the durability trade-off): the archive, the delivery outbox and replays, one table
 * object each. The buses and rules themselves come from configuration at start (`topology`).
 * The writes that span two tables — accepting events, advancing a replay — are here, each in one
 * transaction.
 */
export class EventBridgeStore {
  readonly archive: ArchiveTable;
  readonly outbox: Outbox;
  readonly replays: ReplayTable;
  private readonly sql: StatementCache;
  private closed = false;

  private constructor(
    private readonly db: DatabaseSync,
    readonly path: string,
    readonly topology: EmulatorTopology,
  ) {
    this.sql = new StatementCache(db);
    this.archive = new ArchiveTable(db, this.sql);
    this.outbox = new Outbox(db, this.sql);
    this.replays = new ReplayTable(this.sql);
  }

  /** Opens (or creates) the database in `dataDir`; see {@link openDatabase} for what is refused. */
  static open(
    dataDir: string,
    topology: EmulatorTopology,
    options: { synchronous?: 'NORMAL' | 'FULL' } = {},
  ): EventBridgeStore {
    const { db, path } = openDatabase(dataDir, options.synchronous);
    const store = new EventBridgeStore(db, path, topology);
    store.recordResources(Date.now());
    store.outbox.resume(Date.now());
    return store;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sql.clear();
    this.db.close();
  }

  /** When a bus or archive was first seen: AWS reports CreationTime, which must not change on restart. */
  createdMs(kind: 'bus' | 'archive', name: string): number {
    return Number(
      this.sql.first('SELECT created_ms FROM resources WHERE kind = ? AND name = ?', kind, name)?.created_ms ?? 0,
    );
  }

  /**
   * PutEvents: archives the events and queues their deliveries in ONE transaction, so an event is
   * either kept and on its way to every matching target, or (on error) not accepted at all.
   */
  accept(events: readonly AcceptedEvent[], nowMs: number): void {
    if (events.length === 0) return;
    let enqueued = 0;
    inImmediateTransaction(this.db, () => {
      for (const event of events) {
        // Targets receive the event exactly as archived: their deliveries name the archived row.
        const body = event.archive
          ? { archiveSeq: this.archive.insert(event.archive, event, nowMs) }
          : { json: event.json };
        for (const d of event.deliveries) {
          this.outbox.insert(event.eventId, d, body, null, nowMs);
          enqueued++;
        }
      }
    });
    this.outbox.enqueued(enqueued);
  }

  /**
   * Queues one chunk of replayed deliveries and moves the replay's cursor in the same transaction,
   * so a restart resumes exactly after the last chunk: no event is replayed twice or skipped.
   */
  advanceReplay(name: string, progress: ReplayProgress, deliveries: readonly OutboxEntry[], nowMs: number): void {
    inImmediateTransaction(this.db, () => {
      for (const d of deliveries) this.outbox.insert(d.eventId, d, { json: d.body }, name, nowMs);
      this.replays.advance(name, progress, deliveries.length);
    });
    this.outbox.enqueued(deliveries.length);
  }

  private recordResources(nowMs: number): void {
    const insert = this.sql.get('INSERT OR IGNORE INTO resources (kind, name, created_ms) VALUES (?, ?, ?)');
    inImmediateTransaction(this.db, () => {
      for (const bus of this.topology.buses.values()) insert.run('bus', bus.name, nowMs);
      for (const archive of this.topology.archives.values()) insert.run('archive', archive.name, nowMs);
    });
  }
}
