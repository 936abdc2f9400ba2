/** What one fault-injection scenario measured: the numbers docs/RELIABILITY.md reports. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly fault: string;
  /** Distinct events the client tried to send. */
  readonly sent: number;
  /** Distinct events a 202 confirmed. */
  readonly accepted: number;
  /** Accepted events of the invoices the fault targeted. */
  readonly affected: number;
  /** Accepted events with a record for every consumer of their stage, at the end. */
  readonly recorded: number;
  /** Recorded before any redrive: the pipeline recovered on its own (retries, redeliveries). */
  readonly recordedWithoutRedrive: number;
  /** Events `redriveDlq` moved out of a DLQ (distinct eventIds). */
  readonly redriven: number;
  /** Accepted but neither recorded nor held (DLQ, outbox dead letters) at the end. */
  readonly lost: number;
  /** Accepted but not recordable, still held in a DLQ after redrive (a permanent rejection). */
  readonly heldInDlq: number;
  /** Identities recorded more than once. */
  readonly duplicated: number;
  /** Records of events no 202 confirmed and no client sent (must be 0). */
  readonly unexpected: number;
  /** Records of events that were sent, not confirmed (the answer was lost), yet recorded: at-least-once, not an error. */
  readonly recordedWithoutConfirmation: number;
  /** Accepted events missing from the EventBridge archive (must be 0: the archive is written before the 202). */
  readonly missingFromArchive: number;
  /** Events of invoices the fault did not target. */
  readonly unaffected: {
    readonly events: number;
    readonly recorded: number;
    /** processed_at − received_at over the unaffected events (ms). */
    readonly latencyP50Ms: number;
    readonly latencyP99Ms: number;
    readonly latencyMaxMs: number;
  };
  /** Scenario-specific measurements the tests check (e.g. records written while the store was down). */
  readonly facts: Readonly<Record<string, number>>;
  /** Extra observations of the scenario, for people. */
  readonly notes: readonly string[];
  readonly durationMs: number;
}

/** The visibility SLA of DESIGN §1: an accepted event is on the dashboards within 2 minutes. */
export const VISIBILITY_SLA_MS = 120_000;

/** The invariant every scenario must hold; returns the violated clauses (empty = held). */
export function invariantViolations(result: ScenarioResult): string[] {
  const violations: string[] = [];
  if (result.lost !== 0) violations.push(`${result.lost} accepted events lost`);
  if (result.duplicated !== 0) violations.push(`${result.duplicated} events recorded more than once`);
  if (result.unexpected !== 0) violations.push(`${result.unexpected} records of events nobody sent`);
  if (result.missingFromArchive !== 0) violations.push(`${result.missingFromArchive} accepted events not archived`);
  if (result.recorded + result.heldInDlq !== result.accepted)
    violations.push(`recorded ${result.recorded} + held ${result.heldInDlq} ≠ accepted ${result.accepted}`);
  if (result.unaffected.recorded !== result.unaffected.events)
    violations.push(`${result.unaffected.events - result.unaffected.recorded} unaffected events not recorded`);
  if (result.unaffected.latencyMaxMs > VISIBILITY_SLA_MS)
    violations.push(`an unaffected event took ${result.unaffected.latencyMaxMs} ms (SLA ${VISIBILITY_SLA_MS} ms)`);
  return violations;
}

const COLUMNS = [
  'scenario',
  'sent',
  'accepted',
  'recorded',
  'of which redriven',
  'held in DLQ',
  'lost',
  'duplicated',
  'unaffected p99 / max latency',
] as const;

/** The results as the Markdown table of docs/RELIABILITY.md. */
export function formatResultsTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.scenario,
    String(r.sent),
    String(r.accepted),
    String(r.recorded),
    String(r.redriven),
    String(r.heldInDlq),
    String(r.lost),
    String(r.duplicated),
    r.unaffected.events === 0
      ? '— (every invoice affected)'
      : `${(r.unaffected.latencyP99Ms / 1000).toFixed(1)} s / ${(r.unaffected.latencyMaxMs / 1000).toFixed(1)} s`,
  ]);
  return [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}
