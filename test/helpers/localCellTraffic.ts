import { randomUUID } from 'node:crypto';
import type { InvoiceEvent } from '../../schemas/invoiceEvent.ts';
import { fromMinorUnits } from '../../schemas/money.ts';
import { STAGES, STATUSES_BY_STAGE, type Stage } from '../../schemas/stages.ts';
import { buildInvoiceEvent } from './invoiceEvents.ts';

/** Currencies with 0, 2 and 3 minor-unit digits, so exactness is tested where floats go wrong. */
const CURRENCIES = ['EUR', 'USD', 'JPY', 'BHD', 'GBP', 'KWD'] as const;

/** A small deterministic PRNG (mulberry32) so a failing run can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One event per stage for each of `invoices` invoices (so 4 × invoices events), with varied
 * currencies, amounts (including ones a float cannot hold, e.g. 0.1 + 0.2 style cents) and statuses.
 * Events of one invoice occur in stage order, a second apart.
 */
export function buildInvoiceRun(options: { invoices: number; prefix: string; seed: number }): InvoiceEvent[] {
  const random = seededRandom(options.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const events: InvoiceEvent[] = [];
  const base = Date.now() - 10 * 60_000;
  for (let i = 0; i < options.invoices; i++) {
    const invoiceId = `${options.prefix}-${String(i).padStart(5, '0')}`;
    const currency = pick(CURRENCIES);
    const minor = BigInt(Math.floor(random() * 9_999_999_999)) + 1n;
    const amount = fromMinorUnits(minor, currency);
    STAGES.forEach((stage, s) => {
      events.push(
        buildInvoiceEvent(stage, {
          eventId: randomUUID(),
          invoiceId,
          status: pick(STATUSES_BY_STAGE[stage]) as never,
          occurredAt: new Date(base + i * 10 + s * 1000).toISOString(),
          amount,
          currency,
          vendor: { vendorId: `V-${i % 37}` },
        }),
      );
    });
  }
  return events;
}

/** A POST body: one event (stage omitted, as clients may) or a batch. */
export interface PostRequest {
  readonly stage: Stage;
  readonly events: readonly InvoiceEvent[];
  readonly asBatch: boolean;
}

/** Splits events into single and batch POSTs (batches of 2–10 events of one stage). */
export function toRequests(events: readonly InvoiceEvent[], random: () => number): PostRequest[] {
  const requests: PostRequest[] = [];
  for (const stage of STAGES) {
    const ofStage = events.filter((event) => event.stage === stage);
    let i = 0;
    while (i < ofStage.length) {
      if (random() < 0.3) {
        requests.push({ stage, events: [ofStage[i]!], asBatch: false });
        i += 1;
      } else {
        const size = 2 + Math.floor(random() * 9);
        requests.push({ stage, events: ofStage.slice(i, i + size), asBatch: true });
        i += size;
      }
    }
  }
  // Interleave stages so the cell sees all four at once.
  return requests.sort(() => random() - 0.5);
}

export function requestBody(request: PostRequest): string {
  const strip = ({ stage: _stage, ...rest }: InvoiceEvent) => rest;
  return JSON.stringify(request.asBatch ? { events: request.events.map(strip) } : strip(request.events[0]!));
}

export interface PostResult {
  readonly request: PostRequest;
  readonly status: number;
  readonly body: unknown;
  readonly at: number;
}

export async function postInvoices(apiUrl: string, apiKey: string, request: PostRequest): Promise<PostResult> {
  const response = await fetch(`${apiUrl}/invoices/${request.stage}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: requestBody(request),
  });
  const text = await response.text();
  return { request, status: response.status, body: text ? JSON.parse(text) : null, at: Date.now() };
}

/**
 * Re-sends a request as a producer should after a crash of the cell: a request that died in flight
 * still holds its eventIds' idempotency claims until the claim expires, and the API answers 409
 * IDEMPOTENCY_IN_PROGRESS with Retry-After until then. Any other answer is returned as it is.
 */
export async function postInvoicesUntilSettled(
  apiUrl: string,
  apiKey: string,
  request: PostRequest,
  deadlineMs = 60_000,
): Promise<PostResult> {
  const giveUpAt = Date.now() + deadlineMs;
  for (;;) {
    const response = await fetch(`${apiUrl}/invoices/${request.stage}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: requestBody(request),
    });
    const text = await response.text();
    const body = text ? JSON.parse(text) : null;
    const inProgress =
      response.status === 409 && (body as { code?: string } | null)?.code === 'IDEMPOTENCY_IN_PROGRESS';
    if (!inProgress || Date.now() >= giveUpAt) return { request, status: response.status, body, at: Date.now() };
    const retryAfterSeconds = Number(response.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, retryAfterSeconds) * 1000));
  }
}

/** Runs `tasks` with at most `concurrency` in flight; results in task order. */
export async function withConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/** The timeline body of `GET /invoices/{invoiceId}` (see local/cell/api/invoiceTimeline.ts). */
export interface TimelineBody {
  readonly invoiceId: string;
  readonly events: readonly {
    readonly eventId: string;
    readonly stage: string;
    readonly status: string;
    readonly amount: string;
    readonly currency: string;
    readonly occurredAt: string;
  }[];
}

export async function getTimeline(apiUrl: string, apiKey: string, invoiceId: string): Promise<TimelineBody | null> {
  const response = await fetch(`${apiUrl}/invoices/${encodeURIComponent(invoiceId)}`, {
    headers: { 'x-api-key': apiKey },
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (response.status !== 200)
    throw new Error(`GET /invoices/${invoiceId}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as TimelineBody;
}

/**
 * Polls `GET /health` (one cheap request) until the bus outbox and every queue except the DLQs are
 * empty, or the deadline passes. Used before reading hundreds of timelines, so the readers do not
 * take the CPU the cell needs to get there.
 */
export async function waitForDrain(apiUrl: string, deadline: number, pollMs = 200): Promise<boolean> {
  type Health = {
    components: { eventBridge: { outboxDepth: number | null } };
    queues: { visible: number; inFlight: number; delayed: number }[];
  };
  for (;;) {
    const health = (await (await fetch(`${apiUrl}/health`)).json()) as Health;
    const drained =
      health.components.eventBridge.outboxDepth === 0 &&
      health.queues.every((queue) => queue.visible + queue.inFlight + queue.delayed === 0);
    if (drained) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Polls `GET /invoices/{id}` until every expected event is in its invoice's timeline or the
 * deadline passes. Returns the last timeline per invoice (complete or not).
 */
export async function waitForTimelines(
  apiUrl: string,
  apiKey: string,
  expected: ReadonlyMap<string, ReadonlySet<string>>,
  deadline: number,
): Promise<Map<string, TimelineBody | null>> {
  const timelines = new Map<string, TimelineBody | null>();
  let pending = [...expected.keys()];
  while (pending.length > 0) {
    await withConcurrency(pending, 16, async (invoiceId) => {
      timelines.set(invoiceId, await getTimeline(apiUrl, apiKey, invoiceId));
    });
    pending = pending.filter((invoiceId) => {
      const seen = new Set(timelines.get(invoiceId)?.events.map((event) => event.eventId) ?? []);
      return [...expected.get(invoiceId)!].some((eventId) => !seen.has(eventId));
    });
    if (pending.length === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return timelines;
}
