import http, { type RequestListener, type ServerOptions, ServerResponse } from 'node:http';
import type { DatabaseSync } from 'node:sqlite';
import type { FauxqsServer } from 'fauxqs';

/**
 * fauxqs 2.4.1 writes every message operation through to SQLite as its own autocommit statement:
 * a SendMessageBatch of 10 is 10 commits, a FIFO PublishBatch fanning out to two queues 40 (message
 * plus sequence counter per copy), a ReceiveMessage and a DeleteMessageBatch 10 each. Commits were
 * the largest single cost of the emulator (a WAL append and a lock/unlock round per statement).
 *
 * This groups them: the first write opens a transaction and every later write joins it, until
 * - an HTTP response of this fauxqs server is about to be written: it is committed before the first
 *   byte (the server is given a ServerResponse class whose writeHead/write/end/flushHeaders commit
 *   first), so what an answer acknowledges is on disk before the answer leaves — a kill -9 after the
 *   answer loses nothing, as before. A long poll that receives later commits its own in-flight
 *   updates when it answers; a response commits the writes of every request so far, never fewer;
 * - fauxqs runs one of its own transactions (S3, purge, reset) or closes the database;
 * - a programmatic call on the returned FauxqsServer (`sendMessage`, `createQueue`, …) returns;
 * - otherwise at the latest in the event loop's next check phase (setImmediate).
 *
 * If SQLite fails a COMMIT, or rolls the whole transaction back under a failing statement (disk
 * full, I/O error), fauxqs' memory is ahead of its data directory and writes other requests made
 * are gone: from then on this server refuses every answer (the socket is destroyed, clients see a
 * connection error they retry) and every write throws, until a restart reloads the data directory.
 *
 * fauxqs does not expose its connection or its HTTP server, so both are caught while it creates
 * them (synchronously inside `startFauxqs`, before its first await): PersistenceManager's
 * `prepareStatements` and `http.createServer` are wrapped for that stretch and restored right
 * after. The method lists below are checked against fauxqs' class so that a fauxqs upgrade that
 * adds or renames a write-through method fails here instead of silently writing outside the rules.
 */

/** Write-through methods: each runs one statement (or a few) that must join the open transaction. */
const WRITE_METHODS = [
  'insertQueue',
  'deleteQueue',
  'updateQueueAttributes',
  'updateQueueSequenceCounter',
  'insertMessage',
  'deleteMessage',
  'updateMessageInflight',
  'updateMessageReady',
  'deleteQueueMessages',
  'deleteAllMessages',
  'insertTopic',
  'deleteTopic',
  'updateTopicAttributes',
  'updateTopicSubscriptionArns',
  'insertSubscription',
  'deleteSubscription',
  'updateSubscriptionAttributes',
  'insertBucket',
  'deleteBucket',
  'saveBucketLifecycleConfiguration',
  'deleteBucketLifecycleConfiguration',
  'upsertObject',
  'deleteObject',
  'deleteObjectsByBucket',
  'deleteAllObjects',
  'insertMultipartUpload',
  'upsertMultipartPart',
  'deleteMultipartUpload',
] as const;

/** Run BEGIN … COMMIT themselves (through `transaction`) or only read: no wrapper needed beyond `transaction` and `close`. */
const OTHER_METHODS = [
  'constructor',
  'prepareStatements',
  'transaction',
  'close',
  'readBody',
  'renameObject',
  'completeMultipartUpload',
  'deleteAllMultipartUploads',
  'clearMessagesAndObjects',
  'purgeAll',
  'load',
  'loadSqsAndSns',
  'loadS3',
  'loadSqsQueues',
  'loadSqsMessages',
  'loadSnsTopics',
  'loadSnsSubscriptions',
  'loadS3Buckets',
  'loadS3BucketLifecycleConfigurations',
  'loadS3Objects',
  'loadS3MultipartUploads',
] as const;

type Method = (...args: unknown[]) => unknown;

interface PersistenceManager {
  readonly db: DatabaseSync;
  [method: string]: unknown;
}

interface PersistenceManagerClass {
  readonly prototype: { prepareStatements: Method; [method: string]: unknown };
}

let persistenceClass: PersistenceManagerClass | undefined;

/** fauxqs' PersistenceManager, the very class its `startFauxqs` instantiates (same module URL). */
async function loadPersistenceManagerClass(): Promise<PersistenceManagerClass> {
  if (persistenceClass) return persistenceClass;
  const url = new URL('persistence.js', import.meta.resolve('fauxqs'));
  const { PersistenceManager } = (await import(url.href)) as { PersistenceManager?: PersistenceManagerClass };
  if (typeof PersistenceManager?.prototype?.prepareStatements !== 'function')
    throw new Error(`fauxqs changed: no PersistenceManager with prepareStatements in ${url.href}`);
  const actual = Object.getOwnPropertyNames(PersistenceManager.prototype).sort();
  const expected = [...WRITE_METHODS, ...OTHER_METHODS].sort();
  if (actual.join() !== expected.join())
    throw new Error(
      `fauxqs changed: PersistenceManager methods are [${actual.join(', ')}], expected [${expected.join(', ')}]; ` +
        'review local/sns-sqs/withTransactionPerRequest.ts',
    );
  persistenceClass = PersistenceManager;
  return PersistenceManager;
}

/** The transaction shared by the writes of one fauxqs instance between two commit points. */
class RequestTransactions {
  readonly #db: DatabaseSync;
  #scheduled = false;
  #failure: Error | undefined;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  write(manager: PersistenceManager, write: Method, args: unknown[]): unknown {
    if (this.#failure) throw this.#failure;
    if (!this.#db.isTransaction) {
      this.#db.exec('BEGIN');
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.commit();
        });
      }
    }
    try {
      return write.apply(manager, args);
    } catch (error) {
      // A failing statement normally undoes only itself (as in autocommit mode) and the request
      // answers its error. If SQLite rolled back the whole transaction, other requests' writes went with it.
      if (!this.#db.isTransaction) this.#fail(error);
      throw error;
    }
  }

  /** Commits what is pending; false when this instance's persistence has failed (nothing may be acknowledged). */
  commit(): boolean {
    if (this.#failure) return false;
    if (!this.#db.isOpen || !this.#db.isTransaction) return true;
    try {
      this.#db.exec('COMMIT');
      return true;
    } catch (error) {
      this.#fail(error);
      return false;
    }
  }

  commitOrThrow(): void {
    if (!this.commit()) throw this.#failure;
  }

  #fail(cause: unknown): void {
    this.#failure = new Error(
      'fauxqs persistence failed: its memory is ahead of its data directory; no SNS/SQS answer is given until it is restarted',
      { cause },
    );
    try {
      if (this.#db.isOpen && this.#db.isTransaction) this.#db.exec('ROLLBACK');
    } catch {
      // The connection is unusable as well; the failure above already stops every answer.
    }
    process.emitWarning(this.#failure);
  }
}

function batchWrites(manager: PersistenceManager): RequestTransactions {
  const transactions = new RequestTransactions(manager.db);
  const own = manager as Record<string, unknown>;
  for (const name of WRITE_METHODS) {
    const write = own[name] as Method;
    own[name] = (...args: unknown[]) => transactions.write(manager, write, args);
  }
  const transaction = own.transaction as Method;
  own.transaction = (...args: unknown[]) => {
    transactions.commitOrThrow();
    return transaction.apply(manager, args);
  };
  const close = own.close as Method;
  own.close = () => {
    transactions.commit();
    return close.call(manager);
  };
  return transactions;
}

const REPLY_METHODS = ['writeHead', 'write', 'end', 'flushHeaders'] as const;

/** A ServerResponse that commits pending writes before its first byte, or refuses to answer. */
function committingResponseClass(transactions: () => RequestTransactions | undefined): typeof ServerResponse {
  class CommitBeforeReply extends ServerResponse {}
  for (const name of REPLY_METHODS) {
    const original = ServerResponse.prototype[name] as Method;
    Object.defineProperty(CommitBeforeReply.prototype, name, {
      configurable: true,
      writable: true,
      value: function commitThenReply(this: ServerResponse, ...args: unknown[]) {
        const pending = transactions();
        if (!pending || pending.commit()) return original.apply(this, args);
        this.destroy(pending.failure);
        return name === 'write' ? false : this;
      },
    });
  }
  // The subclass is not generic over the request type as ServerResponse is; it works for any.
  return CommitBeforeReply as unknown as typeof ServerResponse;
}

/** Programmatic mutations (`sendMessage`, `createQueue`, `publish`, …) are committed when they return. */
function commitAfterProgrammaticCalls(server: FauxqsServer, transactions: RequestTransactions): void {
  const own = server as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(server)) {
    const descriptor = Object.getOwnPropertyDescriptor(server, name);
    if (typeof descriptor?.value !== 'function') continue;
    const method = descriptor.value as Method;
    own[name] = (...args: unknown[]) => {
      const result = method.apply(server, args);
      transactions.commitOrThrow();
      return result;
    };
  }
}

/**
 * Runs `start` (which must call fauxqs' `startFauxqs` with a `dataDir`) so that fauxqs' persistence
 * writes share one transaction per request, committed before the answer is written (see above).
 */
export async function withTransactionPerRequest(start: () => Promise<FauxqsServer>): Promise<FauxqsServer> {
  const { prototype } = await loadPersistenceManagerClass();
  const prepareStatements = prototype.prepareStatements;
  const createServer = http.createServer;
  let transactions: RequestTransactions | undefined;
  let managers = 0;
  let servers = 0;
  prototype.prepareStatements = function prepareThenBatch(this: PersistenceManager, ...args: unknown[]) {
    const statements = prepareStatements.apply(this, args);
    managers += 1;
    transactions = batchWrites(this);
    return statements;
  };
  const ResponseClass = committingResponseClass(() => transactions);
  // fastify calls http.createServer(options.http, handler); options.http is undefined unless set.
  http.createServer = ((options: ServerOptions | RequestListener | undefined, listener?: RequestListener) => {
    servers += 1;
    const [serverOptions, requestListener] = typeof options === 'function' ? [{}, options] : [options ?? {}, listener];
    return createServer.call(http, { ...serverOptions, ServerResponse: ResponseClass }, requestListener);
  }) as typeof http.createServer;
  let starting: Promise<FauxqsServer>;
  try {
    starting = start();
  } finally {
    prototype.prepareStatements = prepareStatements;
    http.createServer = createServer;
  }
  const server = await starting;
  if (!transactions || managers !== 1 || servers !== 1) {
    await server.stop();
    throw new Error(
      `fauxqs changed: startFauxqs created ${managers} persistence managers and ${servers} HTTP servers ` +
        'synchronously (expected one of each; is a dataDir given?); review local/sns-sqs/withTransactionPerRequest.ts',
    );
  }
  commitAfterProgrammaticCalls(server, transactions);
  return server;
}
