import { Agent, request } from 'node:http';
import { AcceptedLogWriter } from './acceptedLog.ts';
import { InvoiceEventGenerator, type InvoicePost } from './invoiceEventGenerator.ts';
import { type Percentiles, percentiles } from './percentiles.ts';

/**
 * The benchmark's HTTP load generator: batch POSTs over keep-alive connections, either open-loop
 * at a fixed event rate (`rate`: requests start on schedule whether or not earlier ones finished,
 * so a slow server shows up as latency, not as a politely lower rate) or as a burst of a fixed
 * number of events sent as fast as `concurrency` connections allow (`burst`).
 *
 * It runs in its own process (see runLoadInChild.ts) so that it does not share an event loop
 * with the cell it measures.
 */
export interface LoadOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly mode: 'rate' | 'burst';
  /** rate mode: events per second to offer. */
  readonly eventsPerSecond?: number;
  /** rate mode: seconds to offer them for. */
  readonly durationS?: number;
  /** burst mode: events to send in total. */
  readonly totalEvents?: number;
  /** Requests in flight at most (burst: exactly this many senders). */
  readonly concurrency: number;
  /** Events per POST (1 = single-event bodies). */
  readonly batchSize: number;
  /** Append accepted eventIds here (JSONL) for the completeness verifier. */
  readonly acceptedFile?: string;
  readonly runId: string;
}

export interface LoadResult {
  readonly mode: LoadOptions['mode'];
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly elapsedS: number;
  readonly requests: number;
  readonly eventsSent: number;
  readonly eventsAccepted: number;
  /** Accepted events per second of wall-clock time, first request to last response. */
  readonly acceptedPerSecond: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Requests that failed without an HTTP status (connection errors, timeouts). */
  readonly networkErrors: number;
  /** Network errors by message (e.g. `socket hang up: 12`), so a failing run says why. */
  readonly networkErrorKinds: Readonly<Record<string, number>>;
  readonly httpMs: Percentiles;
  /** rate mode: requests that started late because `concurrency` were already in flight. */
  readonly lateStarts: number;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** What the run has seen so far: latencies, statuses, network errors, events sent and accepted. */
export class LoadTally {
  readonly latencies: number[] = [];
  readonly statusCounts: Record<string, number> = {};
  readonly networkErrorKinds: Record<string, number> = {};
  networkErrors = 0;
  eventsSent = 0;
  eventsAccepted = 0;

  constructor(private readonly log: AcceptedLogWriter | undefined) {}

  networkError(error: Error): void {
    this.networkErrors += 1;
    const kind = (error as NodeJS.ErrnoException).code ?? error.message;
    this.networkErrorKinds[kind] = (this.networkErrorKinds[kind] ?? 0) + 1;
  }

  /** A response of `post`, `latencyMs` after its request started; a 202's accepted ids go to the log. */
  response(post: InvoicePost, status: number, body: string, latencyMs: number): void {
    this.latencies.push(latencyMs);
    this.statusCounts[status] = (this.statusCounts[status] ?? 0) + 1;
    if (status !== 202) return;
    const ids = acceptedIds(body, post.eventIds);
    this.eventsAccepted += ids.length;
    const invoiceOf = new Map(post.eventIds.map((id, i) => [id, post.invoiceIds[i]!]));
    const acceptedAt = Date.now();
    this.log?.append(
      ids.map((eventId) => ({ eventId, invoiceId: invoiceOf.get(eventId) ?? '', stage: post.stage, acceptedAt })),
    );
  }
}

/** POSTs one batch over `agent`; resolves once it is answered or failed (never rejects). */
export function postBatch(post: InvoicePost, url: URL, apiKey: string, agent: Agent, tally: LoadTally): Promise<void> {
  return new Promise<void>((resolve) => {
    const payload = JSON.stringify(post.body);
    const started = performance.now();
    tally.eventsSent += post.eventIds.length;
    const failed = (error: Error) => {
      tally.networkError(error);
      resolve();
    };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname.replace(/\/$/, '')}/invoices/${post.stage}`,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-api-key': apiKey,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const latencyMs = performance.now() - started;
          tally.response(post, res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), latencyMs);
          resolve();
        });
        res.on('error', failed);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', failed);
    req.end(payload);
  });
}

type Send = () => Promise<void>;

/** burst mode: `totalEvents` in batches, as fast as `concurrency` senders allow; nothing is scheduled, so nothing starts late. */
async function sendBurst(options: LoadOptions, send: Send): Promise<number> {
  let remaining = Math.ceil((options.totalEvents ?? 0) / options.batchSize);
  const sender = async () => {
    while (remaining > 0) {
      remaining -= 1;
      await send();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, sender));
  return 0;
}

/**
 * rate mode: requests start on their schedule from `t0` (open loop), at most `concurrency` in
 * flight. Returns how many started late.
 */
async function sendAtRate(options: LoadOptions, send: Send, t0: number): Promise<number> {
  const rate = options.eventsPerSecond ?? 0;
  const totalRequests = Math.ceil((rate * (options.durationS ?? 0)) / options.batchSize);
  const intervalMs = (1000 * options.batchSize) / rate;
  const lateAfterMs = Math.max(50, 2 * intervalMs);
  let lateStarts = 0;
  let started = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(totalRequests, Math.floor((performance.now() - t0) / intervalMs) + 1);
      while (started < due && inFlight < options.concurrency) {
        // A request that starts well after its slot (more than timer jitter) is late: the server
        // (or this generator) could not keep up with the offered rate.
        if (performance.now() - t0 - started * intervalMs > lateAfterMs) lateStarts += 1;
        started += 1;
        inFlight += 1;
        const p = send().finally(() => {
          inFlight -= 1;
          pending.delete(p);
        });
        pending.add(p);
      }
      if (started >= totalRequests) return resolve();
      setTimeout(tick, Math.max(1, Math.min(intervalMs / 2, 5)));
    };
    tick();
  });
  await Promise.all(pending);
  return lateStarts;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, keepAliveMsecs: 10_000 });
  const generator = new InvoiceEventGenerator({ runId: options.runId });
  const log = options.acceptedFile ? new AcceptedLogWriter(options.acceptedFile) : undefined;
  const tally = new LoadTally(log);
  const send = () =>
    postBatch(
      options.batchSize === 1 ? generator.single() : generator.batch(options.batchSize),
      url,
      options.apiKey,
      agent,
      tally,
    );
  const startedAtMs = Date.now();
  const t0 = performance.now();
  const lateStarts = await (options.mode === 'burst' ? sendBurst(options, send) : sendAtRate(options, send, t0));

  const elapsedS = (performance.now() - t0) / 1000;
  log?.close();
  agent.destroy();
  return {
    mode: options.mode,
    startedAtMs,
    endedAtMs: Date.now(),
    elapsedS,
    requests: tally.latencies.length + tally.networkErrors,
    eventsSent: tally.eventsSent,
    eventsAccepted: tally.eventsAccepted,
    acceptedPerSecond: tally.eventsAccepted / elapsedS,
    statusCounts: tally.statusCounts,
    networkErrors: tally.networkErrors,
    networkErrorKinds: tally.networkErrorKinds,
    httpMs: percentiles(tally.latencies),
    lateStarts,
  };
}

function acceptedIds(body: string, sent: readonly string[]): readonly string[] {
  try {
    const parsed = JSON.parse(body) as { accepted?: unknown };
    if (Array.isArray(parsed.accepted)) return parsed.accepted.filter((id): id is string => typeof id === 'string');
  } catch {
    // A 202 without the contract's body (the bare ceiling server sends none) accepted what was sent.
  }
  return sent;
}
