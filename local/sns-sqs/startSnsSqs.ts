import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { countServerRequests, type RequestCounter } from '../cell/metering/index.ts';
import { SqsJsonClient } from '../cell/wire/SqsJsonClient.ts';
import type { SocketlessDispatch } from '../http/socketless.ts';
import { WalCheckpointer } from '../sqlite/WalCheckpointer.ts';
import { allowSupplementaryCharacters } from './allowSupplementaryCharacters.ts';
import { localSnsSqsClients } from './awsClientDefaults.ts';
import { loadSqsErrorClass, usePublicQueueUrls, withSqsActions } from './extendSqsRouter.ts';
import { type FauxqsDispatchMode, type FauxqsEntry, fauxqsDispatch } from './fauxqsDispatch.ts';
import { withFauxqsRouters } from './fauxqsRouters.ts';
import { MessageMoveTasks } from './moveTasks/MessageMoveTasks.ts';
import { ownDeduplicationIds } from './ownDeduplicationIds.ts';
import { withPublishBatchInOnePass } from './publishBatchInOnePass.ts';
import { timeOrderedMessageIds } from './timeOrderedMessageIds.ts';
import { type FauxqsRequestEntry, withTransactionPerRequest } from './withTransactionPerRequest.ts';

export interface SnsSqsOptions {
  /** The cell's data directory; fauxqs keeps its SQLite database in `<dataDir>/fauxqs`. */
  readonly dataDir: string;
  readonly region: string;
  /** Counts every SNS/SQS call fauxqs receives, from any client in this process. */
  readonly counter: RequestCounter;
  /**
   * Where clients reach SQS (the local cell's gateway): queue URLs are `<publicEndpoint>/<account>/<name>`,
   * so they resolve and stay the same across restarts. @default fauxqs' own `http://127.0.0.1:<port>`
   */
  readonly publicEndpoint?: string;
  /** The account in queue URLs (fauxqs' ARNs always carry 000000000000). @default '000000000000' */
  readonly account?: string;
}

export interface RunningSnsSqs {
  /** SNS and SQS endpoint for every client. */
  readonly endpoint: string;
  readonly fauxqs: FauxqsServer;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /**
   * Answers one SNS or SQS request without a socket, as fauxqs' server would (counted like one);
   * refused as a connection while fauxqs is stopped.
   */
  readonly dispatch: SocketlessDispatch;
  /** The same through fauxqs' routers or through its whole app (`load-tests/micro/fauxqsTransport.ts` compares them). */
  dispatchVia(mode: FauxqsDispatchMode): SocketlessDispatch;
  /**
   * Stops fauxqs and starts it again on the same port and data directory after `downtimeMs`, as an
   * SNS/SQS outage and recovery (fault-injection tests, game days). Clients keep their endpoint;
   * calls made meanwhile fail with connection errors, which callers must treat as transient.
   */
  restart(options?: { readonly downtimeMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** fauxqs' SQLite file inside its data directory (`dataDir` option of startFauxqs). */
const FAUXQS_DATABASE_FILE = 'fauxqs.db';
/**
 * WAL checkpoints — copying committed pages into the database file and fsyncing it — run on a
 * background thread every this many ms. Left to SQLite, they ran inside whichever commit pushed the
 * WAL past 1,000 pages: every few hundred requests one answer waited for an fsync (7–60 ms here),
 * and so did everything else on the emulator thread. Durability does not change: a transaction is
 * durable once its commit is in the WAL.
 */
const CHECKPOINT_INTERVAL_MS = 250;
/** The writer still checkpoints itself past this many WAL pages (~32 MiB) if the thread cannot. */
const WRITER_CHECKPOINT_BACKSTOP_PAGES = 8192;

/**
 * Starts fauxqs in-process with SQLite persistence: every mutation is committed before the API call
 * answers (one transaction per request, see withTransactionPerRequest), so a kill -9 loses nothing
 * that was acknowledged. fauxqs listens on all
 * interfaces (it has no bind option); clients are given its loopback address.
 */
export async function startSnsSqs(options: SnsSqsOptions): Promise<RunningSnsSqs> {
  await allowSupplementaryCharacters();
  await ownDeduplicationIds();
  await timeOrderedMessageIds();
  const account = options.account ?? '000000000000';
  const SqsError = await loadSqsErrorClass();
  const moveTasks = new MessageMoveTasks(() => deliveries, {
    // fauxqs prefixes every query code with AWS.SimpleQueueService.; not all of SQS's have it.
    error: (code, message, status, queryCode) =>
      Object.defineProperty(new SqsError(code, message, status), 'queryErrorHeader', { value: `${queryCode};Sender` }),
  });
  // The running fauxqs' request listener, for socketless requests; none while it is stopped.
  let entry: FauxqsEntry | undefined;
  const start = async (port: number) => {
    let listening: FauxqsRequestEntry | undefined;
    const { server, store, routers } = await withFauxqsRouters(() =>
      withSqsActions(moveTasks.actions(), () =>
        withPublishBatchInOnePass(() =>
          withTransactionPerRequest(
            () =>
              withWalSynchronousNormal(() =>
                startFauxqs({
                  port,
                  logger: false,
                  defaultRegion: options.region,
                  dataDir: join(options.dataDir, 'fauxqs'),
                }),
              ),
            (started) => {
              listening = started;
            },
          ),
        ),
      ),
    );
    // withTransactionPerRequest has told its entry by now (start-up would have failed otherwise).
    if (listening) entry = { ...listening, routers };
    usePublicQueueUrls(store, options.publicEndpoint ?? `http://127.0.0.1:${server.port}`, account);
    return server;
  };
  const databasePath = join(options.dataDir, 'fauxqs', FAUXQS_DATABASE_FILE);
  const startCheckpoints = () => new WalCheckpointer(databasePath, CHECKPOINT_INTERVAL_MS);
  let fauxqs = await start(0);
  let checkpointer = startCheckpoints();
  const stopCounting = countServerRequests(fauxqs.port, options.counter);
  const endpoint = `http://127.0.0.1:${fauxqs.port}`;
  const { sqs, sns } = localSnsSqsClients(endpoint, options.region);
  // The move tasks' own client, to this fauxqs (its port survives a restart).
  const deliveries = new SqsJsonClient({ endpoint, region: options.region });
  return {
    endpoint,
    get fauxqs() {
      return fauxqs;
    },
    sqs,
    sns,
    dispatch: fauxqsDispatch(() => entry, options.counter),
    dispatchVia: (mode) => fauxqsDispatch(() => entry, options.counter, mode),
    restart: async ({ downtimeMs = 0 } = {}) => {
      const { port } = fauxqs;
      entry = undefined;
      checkpointer.stop();
      await fauxqs.stop();
      await new Promise((resolve) => setTimeout(resolve, downtimeMs));
      fauxqs = await start(port);
      checkpointer = startCheckpoints();
    },
    stop: async () => {
      moveTasks.stop();
      deliveries.destroy();
      sqs.destroy();
      sns.destroy();
      // The checkpoint thread's connection goes first, so fauxqs' close can remove the WAL file.
      entry = undefined;
      checkpointer.stop();
      // Closing fastify runs fauxqs' preClose hook, which closes its SQLite database.
      await fauxqs.stop();
      stopCounting();
    },
  };
}

/**
 * fauxqs writes every message operation (send, receive, delete) through to SQLite as its own
 * transaction, on a connection left at SQLite's default `synchronous=FULL`: an fsync per operation,
 * about seven per event on its way through the cell, which made fauxqs' persistence the largest
 * cost of the whole local cell. In WAL mode `synchronous=NORMAL` still survives a killed process
 * (kill -9) — what the local cell promises; only an OS crash or power cut can lose the last
 * transactions — so it is what the EventBridge and Timestream emulators use too.
 *
 * fauxqs does not expose its connection, so while it opens it (synchronously, inside
 * `startFauxqs` before its first await) `DatabaseSync#exec` is wrapped to follow its
 * `PRAGMA journal_mode = WAL` with `PRAGMA synchronous = NORMAL`, and restored right after.
 */
function withWalSynchronousNormal<T>(start: () => T): T {
  const exec = DatabaseSync.prototype.exec;
  DatabaseSync.prototype.exec = function execThenRelax(this: DatabaseSync, sql: string) {
    exec.call(this, sql);
    if (/^\s*PRAGMA\s+journal_mode\s*=\s*WAL\s*;?\s*$/i.test(sql)) {
      exec.call(this, 'PRAGMA synchronous = NORMAL');
      // Checkpoints run on a background thread (see WalCheckpointer); the writer's own is a backstop.
      exec.call(this, `PRAGMA wal_autocheckpoint = ${WRITER_CHECKPOINT_BACKSTOP_PAGES}`);
    }
  };
  try {
    return start();
  } finally {
    DatabaseSync.prototype.exec = exec;
  }
}
