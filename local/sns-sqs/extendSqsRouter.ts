import type { FauxqsServer } from 'fauxqs';

/**
 * What the local cell adds to fauxqs' SQS, installed while fauxqs starts:
 *
 * - **Queue URLs on the gateway.** fauxqs writes queue URLs as `http://sqs.<region>.localhost:<its
 *   port>/…` — a host name that does not resolve, on a port that changes at every start — and keeps
 *   the URL a queue got at creation in its data directory. Here every queue's URL, loaded or new,
 *   is `<publicEndpoint>/<account>/<name>`: the gateway's fixed port, on 127.0.0.1. fauxqs finds a
 *   queue by the name at the end of its URL whatever the host, so both the old and the new URLs
 *   keep working.
 * - **Operations fauxqs lacks** (the message move tasks), registered with its SQS router: they get
 *   the same `(input, store, request)` and their `SqsError`s become AWS's error answers.
 *
 * fauxqs exposes neither its router nor its queue store; both are caught when `startFauxqs`
 * registers its first action, as withTransactionPerRequest catches its database. Only the first
 * router created while `start` runs is extended.
 */

/** The parts of fauxqs' SqsStore used here. */
export interface FauxqsSqsStore {
  readonly queues: Map<string, FauxqsQueue>;
  readonly queuesByArn: Map<string, FauxqsQueue>;
  buildQueueUrl(queueName: string, port: string, requestHost: string, region: string): string;
}

export interface FauxqsQueue {
  readonly name: string;
  url: string;
  readonly arn: string;
  readonly attributes: Record<string, string>;
}

/** An SQS action as fauxqs registers them. */
export type SqsAction = (
  input: Record<string, unknown>,
  store: FauxqsSqsStore,
  request: { readonly headers: Record<string, string | string[] | undefined> },
) => unknown;

interface FauxqsSqsRouter {
  readonly store: FauxqsSqsStore;
  register(action: string, handler: SqsAction): void;
}

interface SqsRouterClass {
  readonly prototype: { register: FauxqsSqsRouter['register'] };
}

async function loadSqsRouterClass(): Promise<SqsRouterClass> {
  const url = new URL('sqs/sqsRouter.js', import.meta.resolve('fauxqs'));
  const { SqsRouter } = (await import(url.href)) as { SqsRouter?: SqsRouterClass };
  if (typeof SqsRouter?.prototype?.register !== 'function')
    throw new Error(
      `fauxqs changed: no SqsRouter with register in ${url.href}; review local/sns-sqs/extendSqsRouter.ts`,
    );
  return SqsRouter;
}

/**
 * Runs `start` (which calls `startFauxqs`) with `actions` registered; returns fauxqs' queue store
 * too, for {@link usePublicQueueUrls}.
 */
export async function withSqsActions(
  actions: Readonly<Record<string, SqsAction>>,
  start: () => Promise<FauxqsServer>,
): Promise<{ server: FauxqsServer; store: FauxqsSqsStore }> {
  const { prototype } = await loadSqsRouterClass();
  const register = prototype.register;
  let store: FauxqsSqsStore | undefined;
  prototype.register = function registerAndExtend(this: FauxqsSqsRouter, action, handler) {
    if (!store) {
      store = this.store;
      for (const [name, extra] of Object.entries(actions)) register.call(this, name, extra);
    }
    register.call(this, action, handler);
  };
  let server: FauxqsServer;
  try {
    // Restored only once fauxqs has started: `start` may await before it calls startFauxqs.
    server = await start();
  } finally {
    prototype.register = register;
  }
  if (!store) {
    await server.stop();
    throw new Error('fauxqs changed: startFauxqs registered no SQS action; review local/sns-sqs/extendSqsRouter.ts');
  }
  return { server, store };
}

/** Every queue's URL, loaded or created later, becomes `<publicEndpoint>/<account>/<name>`. */
export function usePublicQueueUrls(store: FauxqsSqsStore, publicEndpoint: string, account: string): void {
  const urlOf = (name: string) => `${publicEndpoint}/${account}/${name}`;
  store.buildQueueUrl = (queueName) => urlOf(queueName);
  // Queues loaded from the data directory carry the URL of the run that created them.
  for (const queue of [...store.queues.values()]) {
    store.queues.delete(queue.url);
    queue.url = urlOf(queue.name);
    store.queues.set(queue.url, queue);
  }
}

type SqsErrorClass = new (code: string, message: string, statusCode?: number, senderFault?: boolean) => Error;

/** fauxqs' SqsError: what its router turns into AWS's error answer (an own class would be a 500). */
export async function loadSqsErrorClass(): Promise<SqsErrorClass> {
  const url = new URL('common/errors.js', import.meta.resolve('fauxqs'));
  const { SqsError } = (await import(url.href)) as { SqsError?: SqsErrorClass };
  if (typeof SqsError !== 'function')
    throw new Error(`fauxqs changed: no SqsError in ${url.href}; review local/sns-sqs/extendSqsRouter.ts`);
  return SqsError;
}
