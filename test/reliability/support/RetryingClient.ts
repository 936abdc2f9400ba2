import type { ScenarioRequest } from './scenarioEvents.ts';
import type { Random } from './seededRandom.ts';

export interface RetryingClientOptions {
  /** Where the API is now (a restarted cell listens elsewhere). */
  readonly apiUrl: () => string;
  readonly apiKey: string;
  /** Jitter source: seeded, so a run's retry pattern repeats. */
  readonly random: Random;
  /** Attempts per request, the first included. @default 8 */
  readonly maxAttempts?: number;
  /**
   * Keep retrying until this long after the first attempt, however many attempts that takes (a
   * client that must get its events in, e.g. through restarts of the cell). @default none
   */
  readonly retryForMs?: number;
  /** Backoff cap. @default 2000 */
  readonly maxDelayMs?: number;
  /** One attempt's time limit. @default 10000 */
  readonly attemptTimeoutMs?: number;
}

/** What became of one request after all its attempts. */
export interface RequestOutcome {
  readonly request: ScenarioRequest;
  /** HTTP status of every attempt (0 = no answer: connection refused or reset, or timed out). */
  readonly statuses: readonly number[];
  /** The eventIds a 202 confirmed (empty unless some attempt was accepted). */
  readonly accepted: readonly string[];
  /** When the first 202 arrived (epoch ms). */
  readonly acceptedAt?: number;
}

/**
 * A well-behaved API client: it retries what may succeed later — no answer, 5xx, 429 (after
 * Retry-After) — with exponential backoff and full jitter, always with the same body, so a retry
 * repeats the same eventIds. 4xx other than 429 are final: the request is wrong, not the server.
 */
export class RetryingClient {
  private readonly maxAttempts: number;
  private readonly maxDelayMs: number;
  private readonly attemptTimeoutMs: number;

  constructor(private readonly options: RetryingClientOptions) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.maxDelayMs = options.maxDelayMs ?? 2_000;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
  }

  async send(request: ScenarioRequest): Promise<RequestOutcome> {
    const statuses: number[] = [];
    const giveUpAt = this.options.retryForMs === undefined ? undefined : Date.now() + this.options.retryForMs;
    for (let attempt = 1; ; attempt++) {
      const { status, retryAfterMs, accepted } = await this.attempt(request);
      statuses.push(status);
      if (status === 202) return { request, statuses, accepted, acceptedAt: Date.now() };
      const retryable = status === 0 || status === 429 || status >= 500;
      const exhausted = giveUpAt === undefined ? attempt >= this.maxAttempts : Date.now() >= giveUpAt;
      if (!retryable || exhausted) break;
      const backoff = this.options.random() * Math.min(this.maxDelayMs, 100 * 2 ** (attempt - 1));
      await sleep(Math.max(backoff, retryAfterMs ?? 0));
    }
    return { request, statuses, accepted: [] };
  }

  private async attempt(
    request: ScenarioRequest,
  ): Promise<{ status: number; retryAfterMs?: number; accepted: readonly string[] }> {
    try {
      const response = await fetch(`${this.options.apiUrl()}/invoices/${request.stage}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': this.options.apiKey },
        body: request.body,
        signal: AbortSignal.timeout(this.attemptTimeoutMs),
      });
      const text = await response.text();
      const retryAfter = Number(response.headers.get('retry-after'));
      const accepted =
        response.status === 202 ? ((JSON.parse(text) as { accepted?: string[] }).accepted ?? []) : ([] as string[]);
      return {
        status: response.status,
        accepted,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: Math.min(retryAfter, 5) * 1000 } : {}),
      };
    } catch {
      // Connection refused or reset (a killed cell), or our own timeout: the outcome is unknown, and
      // the event may well be on the bus already — exactly why the retry carries the same eventIds.
      return { status: 0, accepted: [] };
    }
  }
}

/** Sends every request with at most `concurrency` in flight; outcomes in request order. */
export async function sendAll(
  client: RetryingClient,
  requests: readonly ScenarioRequest[],
  concurrency: number,
  onEach?: (outcome: RequestOutcome, index: number) => void | Promise<void>,
): Promise<RequestOutcome[]> {
  const outcomes: RequestOutcome[] = new Array(requests.length);
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: Math.min(concurrency, requests.length) }, async () => {
    while (next < requests.length) {
      const index = next++;
      outcomes[index] = await client.send(requests[index]!);
      await onEach?.(outcomes[index]!, done++);
    }
  });
  await Promise.all(workers);
  return outcomes;
}

/**
 * Starts the requests evenly spread over `durationMs` (open loop: a slow answer does not delay the
 * next start), so traffic keeps arriving for the whole length of a fault.
 */
export async function sendPaced(
  client: RetryingClient,
  requests: readonly ScenarioRequest[],
  durationMs: number,
): Promise<RequestOutcome[]> {
  const gapMs = requests.length > 1 ? durationMs / (requests.length - 1) : 0;
  const startedAt = Date.now();
  return Promise.all(
    requests.map(async (request, index) => {
      await sleep(Math.max(0, startedAt + index * gapMs - Date.now()));
      return client.send(request);
    }),
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
