import fc from 'fast-check';
import type { InvoiceEvent } from '../../../schemas/invoiceEvent.ts';
import { STAGES, type Stage } from '../../../schemas/stages.ts';
import { arbInvoiceEvent } from '../../helpers/arbitraries.ts';
import { type Random, randomInt, shuffle } from './seededRandom.ts';

export interface ScenarioEventsOptions {
  /** Seeds both the contract arbitraries (amounts, currencies, vendors, terms) and the layout. */
  readonly seed: number;
  readonly invoices: number;
  /** Invoice ids are `<prefix>-<n>`; fault rules match on the prefix. */
  readonly prefix: string;
  readonly random: Random;
  /** Stages the invoices have events in. @default every stage */
  readonly stages?: readonly Stage[];
  /** Events per invoice and stage (1..n; several make FIFO order matter). @default 2 */
  readonly maxEventsPerStage?: number;
  /** occurredAt of an event; default: within the last 10 minutes. */
  readonly occurredAt?: (random: Random) => string;
}

/**
 * Valid invoice events from the contract arbitraries (`arbInvoiceEvent`: every currency and its
 * decimals, vendor names in any script, both payment-term forms), re-keyed to scenario invoices so
 * fault rules can target them, with recent occurredAt times unless the scenario sets its own.
 */
export function buildScenarioEvents(options: ScenarioEventsOptions): InvoiceEvent[] {
  const { random } = options;
  const stages = options.stages ?? STAGES;
  const maxPerStage = options.maxEventsPerStage ?? 2;
  const now = Date.now();
  const occurredAt = options.occurredAt ?? ((r: Random) => new Date(now - randomInt(r, 1_000, 600_000)).toISOString());
  const pools = new Map(
    stages.map((stage, index) => [
      stage,
      fc.sample(arbInvoiceEvent(stage, { latestOccurredAtMs: now - 1_000 }), {
        seed: options.seed * 31 + index,
        numRuns: options.invoices * maxPerStage,
      }) as InvoiceEvent[],
    ]),
  );
  const events: InvoiceEvent[] = [];
  for (let i = 0; i < options.invoices; i++) {
    const invoiceId = `${options.prefix}-${String(i).padStart(5, '0')}`;
    // Each invoice has events in at least one stage, often all of them.
    const chosen = shuffle(random, [...stages]).slice(0, randomInt(random, 1, stages.length));
    for (const stage of stages.filter((s) => chosen.includes(s))) {
      const count = randomInt(random, 1, maxPerStage);
      for (let n = 0; n < count; n++) {
        const template = pools.get(stage)!.pop()!;
        events.push({ ...template, invoiceId, occurredAt: occurredAt(random) });
      }
    }
  }
  return events;
}

/** One POST: a single event or a batch (2–10 events of one stage). */
export interface ScenarioRequest {
  readonly stage: Stage;
  readonly events: readonly InvoiceEvent[];
  /** The exact body sent on every attempt: a client retry repeats the same eventIds. */
  readonly body: string;
}

/**
 * Splits events into requests as clients send them: ~30 % single events, the rest batches of up to
 * 10, `stage` sometimes left out (the path supplies it), requests of all stages interleaved.
 */
export function toScenarioRequests(events: readonly InvoiceEvent[], random: Random): ScenarioRequest[] {
  const requests: ScenarioRequest[] = [];
  for (const stage of STAGES) {
    const ofStage = events.filter((event) => event.stage === stage);
    for (let i = 0; i < ofStage.length; ) {
      const size = random() < 0.3 ? 1 : randomInt(random, 2, 10);
      const chunk = ofStage.slice(i, i + size);
      i += size;
      const sent = chunk.map((event) => (random() < 0.5 ? withoutStage(event) : event));
      const body = JSON.stringify(chunk.length === 1 && random() < 0.8 ? sent[0] : { events: sent });
      requests.push({ stage, events: chunk, body });
    }
  }
  return shuffle(random, requests);
}

function withoutStage(event: InvoiceEvent): Omit<InvoiceEvent, 'stage'> {
  const { stage: _stage, ...rest } = event;
  return rest;
}

/** The eventIds of events, by invoice prefix test. */
export function eventIdsWhere(events: readonly InvoiceEvent[], test: (event: InvoiceEvent) => boolean): Set<string> {
  return new Set(events.filter(test).map((event) => event.eventId));
}
