import type { FauxqsServer } from 'fauxqs';

/** What fauxqs' routers are handed: a Fastify request and reply, as far as they use them. */
export interface RouterRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

export interface RouterReply {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

/** fauxqs' `SqsRouter` (JSON protocol) or `SnsRouter` (query protocol): the result is the answer's payload. */
export interface FauxqsRouter {
  handle(request: RouterRequest, reply: RouterReply): Promise<unknown>;
}

export interface FauxqsRouters {
  readonly sqs: FauxqsRouter;
  readonly sns: FauxqsRouter;
}

interface RouterClass {
  readonly prototype: { register(this: FauxqsRouter, action: string, handler: unknown): void };
}

async function loadRouterClass(path: string, name: string): Promise<RouterClass> {
  const url = new URL(path, import.meta.resolve('fauxqs'));
  const loaded = ((await import(url.href)) as Record<string, RouterClass | undefined>)[name];
  if (
    typeof loaded?.prototype?.register !== 'function' ||
    typeof (loaded.prototype as { handle?: unknown }).handle !== 'function'
  )
    throw new Error(
      `fauxqs changed: no ${name} with register and handle in ${url.href}; review local/sns-sqs/fauxqsRouters.ts`,
    );
  return loaded;
}

/**
 * Runs `start` (which calls `startFauxqs`) and catches the SQS and SNS routers its app creates —
 * the first instance of each that registers an action — so that requests can be handed to them
 * without Fastify (see `fauxqsDispatch.ts`). fauxqs exposes neither; they are caught as
 * extendSqsRouter catches the SQS router.
 */
export async function withFauxqsRouters<T extends { readonly server: FauxqsServer }>(
  start: () => Promise<T>,
): Promise<T & { readonly routers: FauxqsRouters }> {
  const classes = await Promise.all([
    loadRouterClass('sqs/sqsRouter.js', 'SqsRouter'),
    loadRouterClass('sns/snsRouter.js', 'SnsRouter'),
  ]);
  const caught: (FauxqsRouter | undefined)[] = [undefined, undefined];
  const registers = classes.map(({ prototype }, index) => {
    const register = prototype.register;
    prototype.register = function registerAndCatch(this: FauxqsRouter, action, handler) {
      caught[index] ??= this;
      register.call(this, action, handler);
    };
    return register;
  });
  let started: T;
  try {
    started = await start();
  } finally {
    classes.forEach(({ prototype }, index) => {
      prototype.register = registers[index]!;
    });
  }
  const [sqs, sns] = caught;
  if (!sqs || !sns) {
    await started.server.stop();
    throw new Error(
      'fauxqs changed: startFauxqs created no SQS or no SNS router; review local/sns-sqs/fauxqsRouters.ts',
    );
  }
  return { ...started, routers: { sqs, sns } };
}
