import type { MessagePort } from 'node:worker_threads';
import type { DynamoDBTableConfig } from '../dynamodb/index.ts';
import type { BusOptions, DeliveryStats } from '../eventbridge/index.ts';
import type { FirehoseFault, FirehoseStreamConfig } from '../firehose/index.ts';
import type { FauxqsDispatchMode, QueueSnapshot } from '../sns-sqs/index.ts';
import type { TimestreamDatabaseConfig, TimestreamFault } from '../timestream/index.ts';

/** Start-up options of the emulator worker (structured-cloned into it). */
export interface EmulatorWorkerData {
  readonly dataDir: string;
  readonly region: string;
  readonly accountId: string;
  readonly databases: readonly TimestreamDatabaseConfig[];
  /** Firehose streams into Iceberg tables to provision (a lakehouse cell's analytics stream). @default none */
  readonly firehoseStreams?: readonly FirehoseStreamConfig[];
  /** DynamoDB tables to provision (the ingest API's idempotency table). @default none */
  readonly dynamoTables?: readonly DynamoDBTableConfig[];
  /** Only errors on stderr. */
  readonly quiet: boolean;
  /**
   * The local cell's gateway (`http://127.0.0.1:<port>`): queue URLs are built on it, and Timestream's
   * DescribeEndpoints names it. @default each emulator's own address
   */
  readonly gatewayEndpoint?: string;
  /** Where the cell's own SDK clients send their requests without a socket (`portProtocol.ts`); transferred. */
  readonly sdkPort?: MessagePort;
  /** Both ends of `sdkPort` gather messages while the other thread is busy (`EmulatorPort`, `servePort`). @default false */
  readonly gatherPortMessages?: boolean;
  /** How port requests reach fauxqs (`fauxqsDispatch.ts`); for micro-benchmarks. @default 'router' */
  readonly fauxqsDispatch?: FauxqsDispatchMode;
}

/** Operations of the EventBridge archive (`EventBridgeArchiveApi`), by name. */
export type ArchiveOperation = 'count' | 'startReplay' | 'describeReplay' | 'listReplays' | 'waitForReplay';

/** The worker's first message: its endpoints, or why it could not start. */
export type EmulatorWorkerReady =
  | {
      readonly ready: true;
      readonly snsSqsEndpoint: string;
      readonly timestreamEndpoint: string;
      readonly firehoseEndpoint: string;
      readonly dynamodbEndpoint: string;
    }
  | { readonly ready: false; readonly error: string };

/** What the local cell can ask the worker. */
export type EmulatorCall =
  | { readonly method: 'inspectQueue'; readonly queueName: string }
  | { readonly method: 'restartSnsSqs'; readonly downtimeMs: number }
  | { readonly method: 'setTimestreamFault'; readonly fault: TimestreamFault | null }
  | { readonly method: 'setFirehoseFault'; readonly fault: FirehoseFault | null }
  | { readonly method: 'startEventBridge'; readonly account: string; readonly buses: readonly BusOptions[] }
  | { readonly method: 'archive'; readonly operation: ArchiveOperation; readonly args: readonly unknown[] }
  | { readonly method: 'eventBridgeStatus' }
  | { readonly method: 'requestCounts' }
  | { readonly method: 'startCpuProfile' }
  | { readonly method: 'stopCpuProfile' }
  | { readonly method: 'stop' };

/** A call on the wire; each is answered once with the same `id`. */
export type EmulatorRequest = EmulatorCall & { readonly id: number };

export type EmulatorResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** Answer of `inspectQueue` (`null`: no such queue). */
export type InspectQueueResult = QueueSnapshot | null;

/** Answer of `requestCounts`: per `service:Action` for SNS/SQS, per action for EventBridge, Timestream, Firehose and DynamoDB. */
export interface EmulatorRequestCounts {
  readonly snsSqs: Record<string, number>;
  readonly eventBridge: Record<string, number>;
  readonly timestream: Record<string, number>;
  readonly firehose: Record<string, number>;
  readonly dynamodb: Record<string, number>;
}

/** Answer of `eventBridgeStatus`. */
export interface EventBridgeStatus {
  readonly outboxDepth: number;
  readonly delivery: DeliveryStats;
}
