import type { CellDefinition } from '../../cells/definition.ts';
import type { AnalyticsStore } from '../../schemas/analyticsRecord.ts';
import type { AdmissionSettings } from './api/index.ts';
import type { FaultRule } from './faults/index.ts';

/** How `startLocalCell` starts a cell (`local/cell/LocalCell.ts`). */
export interface LocalCellOptions {
  /**
   * Base port: the API listens on it, the AWS gateway on the next (see `cellPorts.ts`); 0 picks a
   * free port for each. @default 4010
   */
  readonly port?: number;
  /** The AWS gateway's port instead of `port + 1` (0 = any free one). */
  readonly gatewayPort?: number;
  /** Retry timings scaled down so a poison message reaches its DLQ in seconds (`npm start -- --fast`). @default false */
  readonly fast?: boolean;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Everything durable lives here; a restart on the same directory continues where it stopped. */
  readonly dataDir: string;
  /** @default localCell() */
  readonly cell?: CellDefinition;
  /**
   * Runs the cell with this analytics store instead of its definition's `analytics.store`
   * (`npm start -- --analytics lakehouse`): `timestream` or `lakehouse` (Firehose into Iceberg).
   * @default the cell definition's
   */
  readonly analyticsStore?: AnalyticsStore;
  readonly faults?: readonly FaultRule[];
  /** false: batch size 1 and no batching window everywhere, so every event is its own call. @default true */
  readonly batching?: boolean;
  /**
   * false: the ingest API skips the idempotency check (no DynamoDB calls), as a cell without an
   * idempotency table would; for the benchmark's comparison. @default true
   */
  readonly idempotency?: boolean;
  /**
   * Load shedding of `POST /invoices/{stage}` (503 OVERLOADED with Retry-After): requests in
   * progress, the age of the oldest of them and event-loop delay.
   * @default DEFAULT_ADMISSION (512 in progress, oldest 5 s, loop 1,000 ms late; Retry-After 1 s); applied on the API front's thread to requests handed to this one
   */
  readonly admission?: Partial<AdmissionSettings>;
  /**
   * false: the API's socket is served on the main thread, as before the API front had a thread of
   * its own (for comparisons only: a saturated main thread then leaves requests unanswered). @default true
   */
  readonly apiFrontThread?: boolean;
  /**
   * How the cell's own clients — the handlers' SDK clients and the pollers' SQS client — reach the
   * emulators on the emulator thread: `port`, a MessagePort without a socket, or `http`, loopback
   * HTTP to each emulator's endpoint (to compare the two). Everything outside the cell's process
   * (CLIs, scripts, the gateway, Fargate tasks) uses HTTP either way. @default 'port'
   */
  readonly transport?: 'port' | 'http';
  /**
   * On the port, gather the requests (and answers) made while the other thread is busy with earlier
   * ones into one message, posting at once while it is idle (docs/PERFORMANCE.md, "Adaptive posting
   * on the SDK port"): 0.72–0.84× the cell's CPU per event and 1.5–1.85× the rate on a loaded host,
   * but 0.86–0.98× the end-to-end rate in the quietest sittings measured, so off by default. @default false
   */
  readonly gatherPortMessages?: boolean;
  /** Only errors on stderr. @default false */
  readonly quiet?: boolean;
  /** Stuck-event monitor period in ms, as the schedule on AWS; 0 = only `monitor.runOnce()`. @default 60000 */
  readonly monitorIntervalMs?: number;
}
