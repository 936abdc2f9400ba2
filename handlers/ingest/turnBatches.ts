/**
 * Gathers what is queued in one turn of the event loop and hands it on as batches: at most `max`
 * per batch, and an item key at most once per batch (DynamoDB refuses a call naming a key twice, and
 * two claims of one key must race as two calls so that exactly one wins).
 *
 * The batch leaves at `setImmediate`, after the I/O callbacks of the loop's turn, not at the first
 * microtask checkpoint: concurrent requests resume in the same turn when the answers they wait for
 * arrive together (one drain of the SDK port's messages, one socket read), and each callback ends in
 * a microtask checkpoint, so a microtask flush sent every request's claims and settling writes as
 * calls of their own. The check phase follows the turn's I/O callbacks without waiting for a timer
 * (queued from the check phase itself, the batch leaves in the next turn's, which does not block
 * either), so a lone request's call is not held back; a Lambda invocation (one request) makes the
 * same calls as before.
 */
export interface Keyed {
  readonly itemKey: string;
}

export class TurnBatches<T extends Keyed> {
  #pending: T[] = [];

  constructor(
    private readonly max: number,
    private readonly send: (batch: readonly T[]) => Promise<void>,
  ) {}

  push(item: T): void {
    if (this.#pending.length === 0) setImmediate(() => this.#flush());
    this.#pending.push(item);
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    const batches: { items: T[]; keys: Set<string> }[] = [];
    for (const item of pending) {
      const batch = batches.find((b) => b.items.length < this.max && !b.keys.has(item.itemKey));
      if (batch) {
        batch.items.push(item);
        batch.keys.add(item.itemKey);
      } else {
        batches.push({ items: [item], keys: new Set([item.itemKey]) });
      }
    }
    for (const batch of batches) void this.send(batch.items);
  }
}

/** A wait of `ms` with jitter in its upper half, so callers that failed together retry apart. */
export function jittered(ms: number): number {
  return ms * (0.5 + Math.random() * 0.5);
}

/**
 * Sends `items`, then again what each `attempt` hands back (DynamoDB's throttled share), after each
 * of `waitsMs` (jittered); returns what is still unsent when the waits run out. A call that throws
 * ends it: the caller fails every item still pending (a settled promise ignores the second verdict).
 */
export async function sendWithRetries<T>(
  items: readonly T[],
  waitsMs: readonly number[],
  attempt: (items: readonly T[]) => Promise<readonly T[]>,
): Promise<readonly T[]> {
  let unsent = items;
  for (let i = 0; unsent.length > 0; i++) {
    unsent = await attempt(unsent);
    const wait = waitsMs[i];
    if (unsent.length === 0 || wait === undefined) return unsent;
    await new Promise((resolve) => setTimeout(resolve, jittered(wait)));
  }
  return unsent;
}
