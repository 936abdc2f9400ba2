import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type CellDefinition, RedrivePolicySchema } from '../../cells/definition.ts';
import { MonitorTopologySchema, monitorTopologyOf } from '../../cells/monitorTopology.ts';
import type { CellTopology } from '../../cells/topology.ts';
import { ANALYTICS_STORES } from '../../schemas/analyticsRecord.ts';
import { FIREHOSE_STORE_FILE } from '../firehose/index.ts';
import { TIMESTREAM_STORE_FILE } from '../timestream/index.ts';
import { analyticsTableOf } from './analyticsStore.ts';

/** Written into the data directory when the cell runs; removed when it stops. */
export const CELL_MANIFEST_FILE = 'cell.json';

/**
 * How tools find a running local cell: its gateway (the fixed endpoint of every emulated AWS
 * service), the emulators' own endpoints (which change at every start: they listen on free ports)
 * and its topology (a test or a game day may run a cell with its own queue
 * settings). The `bems` CLI reads it from `<dataDir>/cell.json`.
 *
 * @example { "version": 1, "cellId": "local", "region": "eu-west-1", "account": "000000000000", "pid": 4242,
 *   "startedAt": "2026-11-28T09:00:00.000Z", "apiUrl": "http://127.0.0.1:4010",
 *   "endpoints": { "sqs": "http://127.0.0.1:40001", "sns": "http://127.0.0.1:40001", "eventbridge": "…", "timestream": "…" },
 *   "gateway": { "url": "http://127.0.0.1:4011", "adminUrl": "http://127.0.0.1:4011/_bems",
 *     "environment": { "AWS_ENDPOINT_URL": "http://127.0.0.1:4011", "AWS_REGION": "eu-west-1", … } },
 *   "topology": { "cellId": "local", "queueUrlPrefix": "http://127.0.0.1:40001/000000000000/", "stages": [ … ] },
 *   "redrive": { "automatic": false, "ratePerSecond": 10, "budgetPerMessage": 3 },
 *   "busName": "bems-local-bus", "archiveName": "bems-local-archive",
 *   "timestreamDatabase": "bems-local", "timestreamTable": "invoice_events",
 *   "analytics": { "store": "timestream", "storeFile": "timestream.sqlite", "database": "bems-local", "table": "invoice_events" },
 *   "monitor": { "stateFile": "/…/monitor-state.json", "alertTopicArns": { … }, "alertQueueUrl": "…" } }
 */
export const CellManifestSchema = z.object({
  version: z.literal(1),
  cellId: z.string(),
  region: z.string(),
  account: z.string(),
  pid: z.int(),
  startedAt: z.string(),
  apiUrl: z.string(),
  endpoints: z.object({
    sqs: z.string(),
    sns: z.string(),
    eventbridge: z.string(),
    timestream: z.string(),
    /** The DynamoDB emulator: the failure table (`bems dlq peek` reads why a message failed). */
    dynamodb: z.string().optional(),
  }),
  /** The failure table's name (absent in a manifest of an older cell). */
  failureTable: z.string().optional(),
  /**
   * The one endpoint of every emulated AWS service (AWS_ENDPOINT_URL, `--endpoint-url`), the
   * environment that points SDKs and CLIs at it, and the cell's admin endpoint (`bems fault`).
   * Absent: a manifest of a cell from before the gateway.
   */
  gateway: z
    .object({ url: z.string(), adminUrl: z.string(), environment: z.record(z.string(), z.string()) })
    .optional(),
  topology: MonitorTopologySchema,
  redrive: RedrivePolicySchema,
  busName: z.string(),
  archiveName: z.string(),
  timestreamDatabase: z.string(),
  timestreamTable: z.string(),
  /**
   * The analytics store the read model is over: its SQLite file in the data directory and the
   * database and table its records carry. Absent (a manifest of an older cell): Timestream's.
   */
  analytics: z
    .object({ store: z.enum(ANALYTICS_STORES), storeFile: z.string(), database: z.string(), table: z.string() })
    .optional(),
  monitor: z
    .object({
      stateFile: z.string(),
      alertTopicArns: z.object({ critical: z.string(), warning: z.string(), info: z.string() }),
      alertQueueUrl: z.string(),
    })
    .optional(),
});
export type CellManifest = z.infer<typeof CellManifestSchema>;

export class CellManifestError extends Error {
  override readonly name = 'CellManifestError';
  constructor(
    message: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function cellManifestPath(dataDir: string): string {
  return join(dataDir, CELL_MANIFEST_FILE);
}

/** Replaces the manifest atomically (a reader never sees half a file). */
export function writeCellManifest(dataDir: string, manifest: CellManifest): void {
  const path = cellManifestPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(CellManifestSchema.parse(manifest), null, 2)}\n`);
  renameSync(temporary, path);
}

/** Removes the manifest if this process wrote it (a newer cell on the same directory keeps its own). */
export function removeCellManifest(dataDir: string, pid: number = process.pid): void {
  try {
    const current = JSON.parse(readFileSync(cellManifestPath(dataDir), 'utf8')) as { pid?: unknown };
    if (current.pid === pid) rmSync(cellManifestPath(dataDir));
  } catch {
    // Missing or unreadable: nothing of ours to remove.
  }
}

/** The manifest of the cell running on `dataDir`; throws a {@link CellManifestError} saying what to do. */
export function readCellManifest(dataDir: string): CellManifest {
  const path = cellManifestPath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CellManifestError(
        `no local cell is running on ${dataDir} (no ${CELL_MANIFEST_FILE}); start one with "npm start"`,
        path,
        {
          cause: error,
        },
      );
    }
    throw new CellManifestError(`cannot read ${path}: ${(error as Error).message}`, path, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CellManifestError(`${path} is not JSON: ${(error as Error).message}`, path, { cause: error });
  }
  const parsed = CellManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CellManifestError(`${path} is not a cell manifest (${issue?.path.join('.')}: ${issue?.message})`, path);
  }
  if (!isAlive(parsed.data.pid)) {
    throw new CellManifestError(
      `the local cell that wrote ${path} (pid ${parsed.data.pid}) is no longer running; start one with "npm start"`,
      path,
    );
  }
  return parsed.data;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The manifest of a cell that has just started in this process. */
export function cellManifestOf(parts: {
  readonly cell: CellDefinition;
  readonly topology: CellTopology;
  readonly apiUrl: string;
  readonly endpoints: CellManifest['endpoints'];
  readonly gateway?: NonNullable<CellManifest['gateway']>;
  readonly monitor?: {
    readonly stateFile: string;
    readonly alertTopicArns: Readonly<Record<'critical' | 'warning' | 'info', string>>;
    readonly alertQueueUrl: string;
  };
}): CellManifest {
  const { cell, topology, endpoints } = parts;
  return {
    version: 1,
    cellId: cell.id,
    region: cell.region,
    account: cell.account,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    apiUrl: parts.apiUrl,
    endpoints: {
      sqs: endpoints.sqs,
      sns: endpoints.sns,
      eventbridge: endpoints.eventbridge,
      timestream: endpoints.timestream,
      ...(endpoints.dynamodb ? { dynamodb: endpoints.dynamodb } : {}),
    },
    failureTable: topology.failureTable,
    ...(parts.gateway
      ? {
          gateway: {
            url: parts.gateway.url,
            adminUrl: parts.gateway.adminUrl,
            environment: { ...parts.gateway.environment },
          },
        }
      : {}),
    topology: monitorTopologyOf(topology, `${endpoints.sqs}/${cell.account}/`),
    redrive: cell.redrive,
    busName: topology.busName,
    archiveName: topology.archiveName,
    timestreamDatabase: topology.timestreamDatabase,
    timestreamTable: topology.timestreamTable,
    analytics: {
      store: topology.analyticsStore,
      storeFile: topology.analyticsStore === 'lakehouse' ? FIREHOSE_STORE_FILE : TIMESTREAM_STORE_FILE,
      ...analyticsTableOf(topology),
    },
    ...(parts.monitor
      ? {
          monitor: {
            stateFile: parts.monitor.stateFile,
            alertTopicArns: { ...parts.monitor.alertTopicArns },
            alertQueueUrl: parts.monitor.alertQueueUrl,
          },
        }
      : {}),
  };
}
