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

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, keepAliveMsecs: 10_000 });
  const generator = new InvoiceEventGenerator({ runId: options.runId });
  const log = options.acceptedFile ? new AcceptedLogWriter(options.acceptedFile) : undefined;
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let networkErrors = 0;
  const networkErrorKinds: Record<string, number> = {};
  const networkError = (error: Error) => {
    networkErrors += 1;
    const kind = (error as NodeJS.ErrnoException).code ?? error.message;
    networkErrorKinds[kind] = (networkErrorKinds[kind] ?? 0) + 1;
  };
  let eventsSent = 0;
  let eventsAccepted = 0;

  const send = (post: InvoicePost) =>
    new Promise<void>((resolve) => {
      const payload = JSON.stringify(post.body);
      const started = performance.now();
      eventsSent += post.eventIds.length;
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
            'x-api-key': options.apiKey,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            latencies.push(performance.now() - started);
            const status = res.statusCode ?? 0;
            statusCounts[status] = (statusCounts[status] ?? 0) + 1;
            if (status === 202) {
              const ids = acceptedIds(Buffer.concat(chunks).toString('utf8'), post.eventIds);
              eventsAccepted += ids.length;
              const invoiceOf = new Map(post.eventIds.map((id, i) => [id, post.invoiceIds[i]!]));
              const acceptedAt = Date.now();
              log?.append(
                ids.map((eventId) => ({
                  eventId,
                  invoiceId: invoiceOf.get(eventId) ?? '',
                  stage: post.stage,
                  acceptedAt,
                })),
              );
            }
            resolve();
          });
          res.on('error', (error) => {
            networkError(error);
            resolve();
          });
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
      req.on('error', (error) => {
        networkError(error);
        resolve();
      });
      req.end(payload);
    });

  const nextPost = () => (options.batchSize === 1 ? generator.single() : generator.batch(options.batchSize));
  const startedAtMs = Date.now();
  const t0 = performance.now();
  let lateStarts = 0;

  if (options.mode === 'burst') {
    const total = options.totalEvents ?? 0;
    let remaining = Math.ceil(total / options.batchSize);
    const sender = async () => {
      while (remaining > 0) {
        remaining -= 1;
        await send(nextPost());
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, sender));
  } else {
    const rate = options.eventsPerSecond ?? 0;
    const durationS = options.durationS ?? 0;
    const totalRequests = Math.ceil((rate * durationS) / options.batchSize);
    const intervalMs = (1000 * options.batchSize) / rate;
    const lateAfterMs = Math.max(50, 2 * intervalMs);
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
          const p = send(nextPost()).finally(() => {
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
  }

  const elapsedS = (performance.now() - t0) / 1000;
  log?.close();
  agent.destroy();
  return {
    mode: options.mode,
    startedAtMs,
    endedAtMs: Date.now(),
    elapsedS,
    requests: latencies.length + networkErrors,
    eventsSent,
    eventsAccepted,
    acceptedPerSecond: eventsAccepted / elapsedS,
    statusCounts,
    networkErrors,
    networkErrorKinds,
    httpMs: percentiles(latencies),
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
