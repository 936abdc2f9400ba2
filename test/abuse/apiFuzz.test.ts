import { Agent } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceEventDetailSchema } from '../../schemas/envelope.ts';
import { inProcessProbe } from '../reliability/support/CellProbe.ts';
import { readArchivedDetails, readRecordedEvents } from '../reliability/support/cellRecords.ts';
import { type StartedCell, startReliabilityCell } from '../reliability/support/reliabilityCell.ts';
import { waitUntilSettled } from '../reliability/support/waitUntilSettled.ts';
import { ABUSE_KEYS, abuseCell } from './support/abuseCell.ts';
import { type CheckedResponse, checkResponse } from './support/checkResponse.ts';
import { arbFuzzCase, type FuzzCase } from './support/fuzzCases.ts';
import { sendOverHttp } from './support/sendOverHttp.ts';

/** Cases per run through the cell's app in-process, and over real HTTP (the wire adds parsing and framing). */
const IN_PROCESS_RUNS = Number(process.env.BEMS_FUZZ_RUNS ?? 10_000);
const HTTP_RUNS = Number(process.env.BEMS_FUZZ_HTTP_RUNS ?? 1_000);
const SEED = Number(process.env.BEMS_FUZZ_SEED ?? 20261128);
const ANSWER_TIMEOUT_MS = 10_000;
/** The accepted events drain through the pipeline: a few percent of the cases, up to ten events each. */
const SETTLE_TIMEOUT_MS = Math.max(150_000, (IN_PROCESS_RUNS + HTTP_RUNS) * 10);

/**
 * Property-based abuse of the API (issue 8): bodies, headers, paths, methods and sizes from the
 * contract arbitraries and beyond. Every answer must follow the contract — never a 5xx, a hang or a
 * crash — and afterwards the bus archive and the store must hold exactly the events that got a 202.
 *
 * Most cases go through the cell's own app in-process (`cell.fetch`): the same routes, API keys
 * and handlers without a socket, so 10,000 cases fit a CI run. A smaller share goes over real HTTP
 * to cover what only the wire has (node's parser, content-length, keep-alive, odd methods).
 */
describe('API abuse: fuzzing bodies, headers, paths, methods and sizes', () => {
  const keys = { valid: ABUSE_KEYS.fuzz, revoked: ABUSE_KEYS.revoked };
  const accepted: { stage: string; eventId: string }[] = [];
  const kinds = new Map<string, { cases: number; statuses: Map<number, number> }>();
  let started: StartedCell;

  beforeAll(async () => {
    started = await startReliabilityCell('abuse-fuzz', abuseCell());
  });
  afterAll(async () => {
    await started?.dispose();
  });

  const record = (fuzzCase: FuzzCase, checked: CheckedResponse) => {
    const kind = kinds.get(fuzzCase.kind) ?? { cases: 0, statuses: new Map<number, number>() };
    kind.cases++;
    kind.statuses.set(checked.status, (kind.statuses.get(checked.status) ?? 0) + 1);
    kinds.set(fuzzCase.kind, kind);
    // The stage is the path's: a request the oracle did not expect to pass still books what it put on the bus.
    const stage = /^\/invoices\/([^/?#]+)/.exec(fuzzCase.path)?.[1] ?? '?';
    for (const eventId of checked.accepted?.eventIds ?? []) accepted.push({ stage, eventId });
  };

  it(`answers ${IN_PROCESS_RUNS} in-process requests per the contract`, {
    timeout: Math.max(600_000, IN_PROCESS_RUNS * 20),
  }, async () => {
    const { cell } = started;
    await fc.assert(
      fc.asyncProperty(arbFuzzCase(keys), async (fuzzCase) => {
        const answer = await withTimeout(cell.fetch(toRequest(fuzzCase)), ANSWER_TIMEOUT_MS);
        const checked =
          answer === undefined
            ? { status: 0, problems: [`no answer within ${ANSWER_TIMEOUT_MS} ms`] }
            : await checkResponse(fuzzCase, answer.status, await answer.text());
        record(fuzzCase, checked);
        if (checked.problems.length > 0) throw new Error(checked.problems.join('; '));
      }),
      { numRuns: IN_PROCESS_RUNS, seed: SEED, endOnFailure: true },
    );
    // Every family was exercised, not just the cheap ones.
    expect(new Set([...kinds.keys()].map((kind) => kind.split(':')[0])).size).toBe(13);
  });

  it(`answers ${HTTP_RUNS} requests over real HTTP per the contract`, {
    timeout: Math.max(300_000, HTTP_RUNS * 100),
  }, async () => {
    const { cell } = started;
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    try {
      // Generated just in time, a chunk at a time: a case is only right for the moment it was made
      // ("occurredAt 6 minutes ahead" is valid 2 minutes later), so none may wait long to be sent.
      const arbitrary = arbFuzzCase(keys);
      const chunk = 64;
      const cases: FuzzCase[] = [];
      let generated = 0;
      const nextCase = (): FuzzCase | undefined => {
        if (cases.length === 0 && generated < HTTP_RUNS) {
          const size = Math.min(chunk, HTTP_RUNS - generated);
          cases.push(...fc.sample(arbitrary, { numRuns: size, seed: SEED + 1 + generated }));
          generated += size;
        }
        return cases.shift();
      };
      const failures: string[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let fuzzCase = nextCase(); fuzzCase; fuzzCase = nextCase()) {
            const answer = await sendOverHttp(cell.apiUrl, fuzzCase, agent, ANSWER_TIMEOUT_MS);
            const checked =
              answer.status === 0
                ? { status: 0, problems: [`no answer: ${answer.error}`] }
                : await checkResponse(fuzzCase, answer.status, answer.body);
            record(fuzzCase, checked);
            if (checked.problems.length > 0)
              failures.push(
                `${fuzzCase.method} ${fuzzCase.path.slice(0, 80)} (${fuzzCase.kind}): ${checked.problems.join('; ')}`,
              );
          }
        }),
      );
      expect(failures.slice(0, 10)).toEqual([]);
    } finally {
      agent.destroy();
    }
  });

  it('lets exactly the accepted events reach the bus, the archive and the store', {
    timeout: SETTLE_TIMEOUT_MS + 60_000,
  }, async () => {
    // Prepare
    const { cell, dataDir } = started;
    const probe = inProcessProbe(cell);
    try {
      await waitUntilSettled(probe, { timeoutMs: SETTLE_TIMEOUT_MS });
      const expected = accepted.map((a) => `${a.stage}/${a.eventId}`).sort();

      // Act
      const records = readRecordedEvents(dataDir).filter((r) => r.consumer === 'recorder');
      await cell.stop();
      const archived = readArchivedDetails(dataDir);

      // Assess
      expect(accepted.length).toBeGreaterThan(0);
      expect(records.filter((r) => r.count !== 1)).toEqual([]);
      expect(records.map((r) => `${r.stage}/${r.eventId}`).sort()).toEqual(expected);
      const archivedKeys = archived.map((detail) => {
        const parsed = InvoiceEventDetailSchema.safeParse(detail);
        return parsed.success ? `${parsed.data.stage}/${parsed.data.eventId}` : `invalid: ${JSON.stringify(detail)}`;
      });
      expect(archivedKeys.sort()).toEqual(expected);
    } finally {
      probe.close();
      report(kinds, accepted.length);
    }
  });
});

function toRequest(fuzzCase: FuzzCase): Request {
  return new Request(`http://127.0.0.1${fuzzCase.path}`, {
    method: fuzzCase.method,
    headers: fuzzCase.headers,
    ...(fuzzCase.body !== undefined ? { body: fuzzCase.body } : {}),
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Cases and statuses per family, for the run log (docs/RELIABILITY.md quotes it). */
function report(kinds: Map<string, { cases: number; statuses: Map<number, number> }>, acceptedEvents: number): void {
  const lines = [...kinds]
    .sort((a, b) => b[1].cases - a[1].cases)
    .map(
      ([kind, { cases, statuses }]) =>
        `  ${String(cases).padStart(5)}  ${kind}: ${[...statuses].map(([status, n]) => `${status}×${n}`).join(' ')}`,
    );
  const total = [...kinds.values()].reduce((n, k) => n + k.cases, 0);
  console.info(`API fuzz: ${total} cases, ${acceptedEvents} events accepted\n${lines.join('\n')}`);
}
