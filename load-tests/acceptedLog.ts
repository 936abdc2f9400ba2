import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The accepted-events log: one JSON line per event that got an HTTP 202, written by the load
 * generators (Artillery processor, benchmark) and read by the completeness verifier.
 *
 * Each generator process appends with one `write(2)` per response on an `O_APPEND` descriptor, so
 * lines from several Artillery workers never interleave inside a line.
 *
 * @example {"eventId":"7d1f0c1e-…","invoiceId":"LT-3fa2-1042","stage":"posting","acceptedAt":1795858201120}
 */
export interface AcceptedEvent {
  readonly eventId: string;
  readonly invoiceId: string;
  readonly stage: string;
  /** Client clock when the 202 arrived (ms). */
  readonly acceptedAt: number;
}

export class AcceptedLogWriter {
  private readonly fd: number;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  append(events: readonly AcceptedEvent[]): void {
    if (events.length === 0) return;
    writeSync(this.fd, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface AcceptedLog {
  /** Every line, in file order. */
  readonly events: readonly AcceptedEvent[];
  /** eventIds that appear on more than one line: the client got 202 twice for them. */
  readonly repeatedEventIds: readonly string[];
  /** Lines that are not an accepted event (a torn write from a killed generator). */
  readonly malformedLines: number;
}

export function readAcceptedLog(path: string): AcceptedLog {
  const events: AcceptedEvent[] = [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  let malformedLines = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let parsed: Partial<AcceptedEvent>;
    try {
      parsed = JSON.parse(line) as Partial<AcceptedEvent>;
    } catch {
      malformedLines += 1;
      continue;
    }
    if (typeof parsed.eventId !== 'string' || typeof parsed.invoiceId !== 'string') {
      malformedLines += 1;
      continue;
    }
    if (seen.has(parsed.eventId)) repeated.add(parsed.eventId);
    seen.add(parsed.eventId);
    events.push({
      eventId: parsed.eventId,
      invoiceId: parsed.invoiceId,
      stage: String(parsed.stage ?? ''),
      acceptedAt: Number(parsed.acceptedAt ?? 0),
    });
  }
  return { events, repeatedEventIds: [...repeated], malformedLines };
}
