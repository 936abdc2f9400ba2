import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { resourcePrefix } from '../../cells/topology.ts';
import { FileMonitorStateStore, InvoiceEventsSqlSource } from '../../handlers/monitor/index.ts';
import { DynamoFailureStore, FileParkedStore } from '../../handlers/shared/dlq/index.ts';
import { type CellManifest, CellManifestError, readCellManifest } from '../../local/cell/cellManifest.ts';
import { HealthQueueStats } from '../../local/cell/monitor/HealthQueueStats.ts';
import { PARKED_STORE_DIRECTORY } from '../../local/cell/monitor/index.ts';
import { localClientConfig } from '../../local/sns-sqs/awsClientDefaults.ts';
import { TIMESTREAM_STORE_FILE } from '../../local/timestream/TimestreamStore.ts';
import { TargetError } from '../errors.ts';
import { localReplayCounter } from '../replay/localReplayCounter.ts';
import type { CellTarget, ComponentStatus } from './CellTarget.ts';

/**
 * The running local cell on `dataDir`, found through the manifest it writes at start
 * (`<dataDir>/cell.json`): SQS and EventBridge through the emulators' endpoints with the real SDK
 * clients, queue statistics from `GET /health`, the SLA check read-only over the analytics store's
 * SQLite file (the Timestream or the Firehose emulator's, with the read model's view), and the
 * monitor's state file.
 */
export function localTarget(dataDir: string, env: Readonly<Record<string, string | undefined>> = {}): CellTarget {
  let manifest: CellManifest;
  try {
    manifest = readCellManifest(dataDir);
  } catch (error) {
    if (error instanceof CellManifestError) throw new TargetError(error.message, { cause: error });
    throw error;
  }
  const { region, account, endpoints } = manifest;
  const sqs = new SQSClient(localClientConfig(endpoints.sqs, region));
  const eventBridge = new EventBridgeClient(localClientConfig(endpoints.eventbridge, region));
  const dynamoDB = endpoints.dynamodb ? new DynamoDBClient(localClientConfig(endpoints.dynamodb, region)) : undefined;
  let database: DatabaseSync | undefined;
  const query = (sql: string, params: readonly (string | number)[]) => {
    const path = join(dataDir, manifest.analytics?.storeFile ?? TIMESTREAM_STORE_FILE);
    if (!database) {
      if (!existsSync(path)) throw new Error(`no analytics store at ${path}`);
      database = new DatabaseSync(path, { readOnly: true });
      database.exec('PRAGMA busy_timeout = 5000');
    }
    return database.prepare(sql).all(...params) as Record<string, unknown>[];
  };
  const health = async (): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${manifest.apiUrl}/health`, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new TargetError(`the local cell at ${manifest.apiUrl} does not answer: ${(error as Error).message}`, {
        cause: error,
      });
    }
    // 503 (degraded) carries the same report.
    return response.json();
  };
  const arn = (resource: string) => `arn:aws:events:${region}:${account}:${resource}`;
  return {
    kind: 'local',
    cellId: manifest.cellId,
    region,
    description: `local cell "${manifest.cellId}" on ${dataDir} (pid ${manifest.pid}, API ${manifest.apiUrl})`,
    topology: manifest.topology,
    redrive: manifest.redrive,
    sqs,
    eventBridge,
    queueStats: new HealthQueueStats(health),
    stuckInvoices: new InvoiceEventsSqlSource({
      query,
      database: manifest.analytics?.database ?? manifest.timestreamDatabase,
      table: manifest.analytics?.table ?? manifest.timestreamTable,
    }),
    ...(manifest.monitor ? { monitorState: new FileMonitorStateStore(manifest.monitor.stateFile) } : {}),
    replayCounter: localReplayCounter({
      apiUrl: manifest.apiUrl,
      archiveName: manifest.archiveName,
      storeFile: join(dataDir, manifest.analytics?.storeFile ?? TIMESTREAM_STORE_FILE),
      primaryConsumers: primaryConsumersOf(manifest.topology),
    }),
    parkedStore: new FileParkedStore(join(dataDir, PARKED_STORE_DIRECTORY)),
    ...(dynamoDB && manifest.failureTable ? { failures: new DynamoFailureStore(dynamoDB, manifest.failureTable) } : {}),
    operator: async () => env.BEMS_OPERATOR || `local:${userInfo().username}`,
    bus: { name: manifest.busName, arn: arn(`event-bus/${manifest.busName}`) },
    archive: { name: manifest.archiveName, arn: arn(`archive/${manifest.archiveName}`) },
    ruleArn: (stage) => arn(`rule/${manifest.busName}/${resourcePrefix(manifest.cellId)}-${stage}`),
    components: async () => componentsOf(await health()),
    // Not 0: a message another reader just gave back is visible again a second later (sqsCalls.ts).
    waitTimeSeconds: 2,
    pollMs: 200,
    supportsMoveTask: false,
    close: () => {
      sqs.destroy();
      eventBridge.destroy();
      dynamoDB?.destroy();
      database?.close();
    },
  };
}

/** The first consumer of each stage: the one the views and the replay counts read. */
export function primaryConsumersOf(topology: CellManifest['topology']): Record<string, string> {
  return Object.fromEntries(topology.stages.map((s) => [s.stage, s.consumers[0]!.consumer]));
}

function componentsOf(body: unknown): ComponentStatus[] {
  const components = (body as { components?: Record<string, unknown> } | null)?.components;
  if (!components || typeof components !== 'object') return [];
  const result: ComponentStatus[] = [];
  for (const [name, value] of Object.entries(components)) {
    if (Array.isArray(value)) {
      // Event source mappings: one line each, with their record counters.
      for (const mapping of value as Array<Record<string, unknown>>) {
        result.push({
          name: String(mapping.function ?? name),
          state: String(mapping.state ?? 'unknown'),
          detail: `${mapping.recordsSucceeded ?? 0} ok, ${mapping.recordsFailed ?? 0} failed`,
        });
      }
      continue;
    }
    const component = value as Record<string, unknown>;
    result.push({
      name,
      state: String(component.state ?? 'unknown'),
      ...(component.error ? { detail: String(component.error) } : {}),
    });
  }
  return result;
}
