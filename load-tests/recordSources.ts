import { Agent, request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LocalReadModel } from '../dashboards/readModel/index.ts';
import type { LocalAnalyticsStore } from '../local/cell/analyticsStore.ts';
import { DEFAULT_PRIMARY_CONSUMER } from '../schemas/analyticsRecord.ts';

/** One record of an event as the verifier sees it (primary consumer only). */
export interface RecordedEvent {
  readonly eventId: string;
  /** processed_at − received_at, as the consumer wrote it. */
  readonly latencyMs: number | null;
}

/**
 * Where the verifier looks events up. `lookup` returns one entry per RECORD, so an event recorded
 * twice appears twice — that is how duplicates show.
 */
export interface RecordSource {
  readonly description: string;
  lookup(events: readonly { eventId: string; invoiceId: string }[]): Promise<RecordedEvent[]>;
  /**
   * Optional cheap progress check: how many records the run has so far. The verifier polls this
   * while waiting instead of looking every event up, so waiting does not load the cell it checks.
   */
  countRecorded?(): Promise<number>;
  close(): Promise<void>;
}

/** SQLite binds at most 32,766 parameters; stay far below so each query plan stays cheap. */
const IDS_PER_QUERY = 500;

/**
 * The local cell's analytics store (Timestream's or the lakehouse's), read directly: cheapest and
 * exact (the SQL view `invoice_events`). Counts only each stage's primary consumer, as dashboards do.
 */
export function storeRecordSource(
  store: Pick<LocalAnalyticsStore, 'path' | 'query'>,
  options: {
    readonly primaryConsumer?: string;
    readonly invoicePrefix?: string;
    /** The cell's read model over `store` (`RunningLocalCell.readModel`). @default the Timestream store's */
    readonly readModel?: LocalReadModel;
  } = {},
): RecordSource {
  const primaryConsumer = options.primaryConsumer ?? DEFAULT_PRIMARY_CONSUMER;
  const prefix = options.invoicePrefix;
  const readModel = options.readModel ?? new LocalReadModel(store);
  return {
    description: `analytics store ${store.path}`,
    // A covering-index range count over the run's invoice ids (`LT-<runId>-…`). It deliberately
    // skips the consumer filter: that column is extracted from JSON per row, which made each poll
    // cost milliseconds of the cell's own event loop. Extra consumers only make the count reach the
    // target early; the exact lookup that follows decides.
    ...(prefix
      ? {
          async countRecorded() {
            return readModel.countByInvoicePrefix(prefix);
          },
        }
      : {}),
    async lookup(events) {
      const found: RecordedEvent[] = [];
      for (let i = 0; i < events.length; i += IDS_PER_QUERY) {
        const ids = events.slice(i, i + IDS_PER_QUERY).map((e) => e.eventId);
        const rows = store.query<{ event_id: string; latency_ms: number | null }>(
          `SELECT event_id, latency_ms FROM invoice_events
           WHERE consumer = ? AND event_id IN (${ids.map(() => '?').join(',')})`,
          [primaryConsumer, ...ids],
        );
        for (const row of rows) found.push({ eventId: row.event_id, latencyMs: row.latency_ms });
      }
      return found;
    },
    async close() {},
  };
}

export interface HttpSourceOptions {
  readonly url: string;
  readonly apiKey: string;
  /** Timeline requests in flight. @default 16 */
  readonly concurrency?: number;
}

interface TimelineBody {
  events?: Array<{ eventId?: unknown; latencyMs?: unknown; receivedAt?: unknown; processedAt?: unknown }>;
}

/**
 * Any cell over its public API: `GET /invoices/{invoiceId}` per invoice (the timeline lists the
 * primary consumer's records). Slower than the store, but works against a deployed cell.
 */
export function httpRecordSource(options: HttpSourceOptions): RecordSource {
  const base = new URL(options.url);
  const secure = base.protocol === 'https:';
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency ?? 16 });
  const get = (invoiceId: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const target = new URL(`${base.pathname.replace(/\/$/, '')}/invoices/${encodeURIComponent(invoiceId)}`, base);
      const req = (secure ? httpsRequest : request)(
        target,
        { method: 'GET', headers: { 'x-api-key': options.apiKey }, ...(secure ? {} : { agent }) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`GET ${target} timed out`)));
      req.on('error', reject);
      req.end();
    });
  return {
    description: `HTTP ${base.origin} GET /invoices/{id}`,
    async lookup(events) {
      const wanted = new Set(events.map((e) => e.eventId));
      const invoices = [...new Set(events.map((e) => e.invoiceId))];
      const found: RecordedEvent[] = [];
      let next = 0;
      const worker = async () => {
        while (next < invoices.length) {
          const invoiceId = invoices[next++]!;
          const { status, body } = await get(invoiceId);
          if (status === 404) continue; // nothing recorded for this invoice yet
          if (status !== 200) throw new Error(`GET /invoices/${invoiceId} answered ${status}: ${body.slice(0, 200)}`);
          for (const entry of (JSON.parse(body) as TimelineBody).events ?? []) {
            if (typeof entry.eventId !== 'string' || !wanted.has(entry.eventId)) continue;
            const latency =
              typeof entry.latencyMs === 'number'
                ? entry.latencyMs
                : typeof entry.receivedAt === 'string' && typeof entry.processedAt === 'string'
                  ? Date.parse(entry.processedAt) - Date.parse(entry.receivedAt)
                  : null;
            found.push({ eventId: entry.eventId, latencyMs: latency });
          }
        }
      };
      await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
      return found;
    },
    async close() {
      agent.destroy();
    },
  };
}
