import fc from 'fast-check';
import { ERROR_CODES } from '../../../schemas/errorResponse.ts';
import { STAGES, type Stage } from '../../../schemas/stages.ts';
import { arbEventWithProblems, arbInvalidBody, arbValidBody, formatWithOffset } from '../../helpers/arbitraries.ts';

/** The API limit on a request body (EventBridge PutEvents): one byte more is a 413. */
export const MAX_BODY_BYTES = 256 * 1024;

/** What the contract says must come back for one request. */
export type Expected =
  | { readonly status: 202; readonly eventIds: readonly string[]; readonly stage: Stage }
  | {
      readonly status: readonly number[];
      /** Allowed `code`s of the ErrorResponse (any when absent). */
      readonly codes?: readonly string[];
      /** Dotted paths that must be among the reported issues. */
      readonly issuePaths?: readonly string[];
    };

/** One generated request and its oracle. */
export interface FuzzCase {
  /** Which family of abuse, for the report. */
  readonly kind: string;
  readonly method: string;
  /** Path and query, e.g. `/invoices/posting?x=1`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array<ArrayBuffer>;
  readonly expected: Expected;
}

export interface FuzzKeys {
  /** An active key with limits far above what the fuzzer sends. */
  readonly valid: string;
  /** A key the cell definition marks `revoked: true`. */
  readonly revoked: string;
}

const DAY_MS = 86_400_000;
const arbStage = fc.constantFrom(...STAGES);

/**
 * A v4 UUID from 122 uniformly random bits. The contract arbitraries' `fc.uuid()` is biased towards
 * a few small values (good for shrinking, bad here): two accepted bodies would share an eventId
 * and the exact "archive = store = accepted" bookkeeping would not hold.
 */
const arbFreshEventId = fc.noBias(fc.bigInt({ min: 0n, max: (1n << 122n) - 1n })).map((bits) => {
  const hex = (
    ((bits >> 74n) << 80n) |
    (0x4n << 76n) |
    (((bits >> 62n) & 0xfffn) << 64n) |
    (0x2n << 62n) |
    (bits & ((1n << 62n) - 1n))
  )
    .toString(16)
    .padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
});

/**
 * An occurredAt in the last 30 days, in any offset and precision: well inside the cell's retention
 * (the API refuses older than that), so every accepted event can be recorded — this suite's
 * bookkeeping is "every accepted event is recorded".
 */
const arbRecentOccurredAt = fc
  .record({
    ago: fc.integer({ min: 1_000, max: 30 * DAY_MS }),
    offset: fc.integer({ min: -48, max: 56 }).map((quarter) => quarter * 15),
    fraction: fc.constantFrom('', '.123', '.123456'),
    zulu: fc.boolean(),
  })
  .map(({ ago, offset, fraction, zulu }) => formatWithOffset(Date.now() - ago, offset, fraction, zulu));

interface SentEvent extends Record<string, unknown> {
  eventId: string;
}

/** A valid body with fresh eventIds and recent times, plus the eventIds in order. */
function arbAcceptableBody(stage: Stage): fc.Arbitrary<{ body: Record<string, unknown>; eventIds: string[] }> {
  return arbValidBody(stage).chain((body) => {
    const events = (Array.isArray(body.events) ? body.events : [body]) as SentEvent[];
    return fc
      .tuple(
        fc.array(arbFreshEventId, { minLength: events.length, maxLength: events.length }),
        fc.array(arbRecentOccurredAt, { minLength: events.length, maxLength: events.length }),
      )
      .filter(([ids]) => new Set(ids).size === ids.length)
      .map(([ids, times]) => {
        const fresh = events.map((event, i) => ({ ...event, eventId: ids[i]!, occurredAt: times[i]! }));
        return { body: Array.isArray(body.events) ? { events: fresh } : fresh[0]!, eventIds: ids };
      });
  });
}

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/vnd.bems+json',
  'application/json;charset="UTF-8"',
];

const arbJsonContentType = fc.constantFrom(...JSON_TYPES);

function post(
  stage: string,
  key: string | undefined,
  contentType: string | undefined,
  body: string | Uint8Array<ArrayBuffer>,
) {
  return {
    method: 'POST',
    path: `/invoices/${stage}`,
    headers: {
      ...(key !== undefined ? { 'x-api-key': key } : {}),
      ...(contentType !== undefined ? { 'content-type': contentType } : {}),
    },
    body,
  };
}

const VALIDATION = [ERROR_CODES.validationFailed];

/** Tokens allowed in header names (RFC 9110), as the Fetch API and node accept them. */
const arbHeaderName = fc.stringMatching(/^x-[a-z0-9-]{1,24}$/);
/** Printable header values (no CR/LF), including non-ASCII-free punctuation. */
const arbHeaderValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,78}[\x21-\x7e])?$/);

/**
 * Per-stage arbitraries, built once: the contract arbitraries are regex-driven and costly to
 * construct, and building them inside `chain` for every case made generation ~4 ms per case.
 */
function perStage<T>(build: (stage: Stage) => fc.Arbitrary<T>): (stage: Stage) => fc.Arbitrary<T> {
  const built = new Map(STAGES.map((stage) => [stage, build(stage)]));
  return (stage) => built.get(stage)!;
}

/** Every family of request the fuzzer sends, with its weight and oracle. */
export function arbFuzzCase(keys: FuzzKeys): fc.Arbitrary<FuzzCase> {
  const acceptableBody = perStage(arbAcceptableBody);
  const invalidBody = perStage(arbInvalidBody);
  const eventWithProblems = perStage(arbEventWithProblems);
  // Requests refused before validation (key, media type, stage) need a valid body, not a new one
  // each time: a pool sampled once keeps generation cheap, and such bodies never reach the bus.
  const pooledBody = perStage((stage) =>
    fc.constantFrom(...fc.sample(arbAcceptableBody(stage), { numRuns: 40, seed: STAGES.indexOf(stage) + 1 })),
  );
  const valid = arbStage.chain((stage) =>
    fc.tuple(acceptableBody(stage), arbJsonContentType).map(([{ body, eventIds }, type]) => ({
      kind: 'valid body',
      ...post(stage, keys.valid, type, JSON.stringify(body)),
      expected: { status: 202 as const, eventIds, stage },
    })),
  );
  const invalid = arbStage.chain((stage) =>
    fc.tuple(invalidBody(stage), arbJsonContentType).map(([{ body, path, mutation }, type]) => ({
      kind: `invalid body: ${mutation.replace(/ \(in a batch\)$/, '')}`,
      ...post(stage, keys.valid, type, JSON.stringify(body)),
      expected: { status: [400], codes: VALIDATION, issuePaths: [path] },
    })),
  );
  const manyProblems = arbStage.chain((stage) =>
    eventWithProblems(stage).map(({ event, paths }) => ({
      kind: 'several problems in one event',
      ...post(stage, keys.valid, 'application/json', JSON.stringify(event)),
      expected: { status: [400], codes: VALIDATION, issuePaths: paths },
    })),
  );
  const anyJson = fc.tuple(arbStage, fc.jsonValue({ maxDepth: 4 })).map(([stage, value]) => ({
    kind: 'arbitrary JSON',
    ...post(stage, keys.valid, 'application/json', JSON.stringify(value) ?? 'null'),
    expected: { status: [400], codes: VALIDATION },
  }));
  const garbage = fc
    .tuple(
      arbStage,
      fc.oneof(
        fc.uint8Array({ maxLength: 2_000 }),
        fc.string({ unit: 'binary', maxLength: 500 }),
        fc.constantFrom('', ' ', '{', '{"events": [', '[1,', '\u0000', 'null x', '{"a":1}{"b":2}', '\uFEFF'),
      ),
    )
    .map(([stage, body]) => ({
      kind: 'not JSON (bytes, text, truncated)',
      ...post(stage, keys.valid, 'application/json', body),
      // Not JSON and JSON the contract rejects ("1", "[]") get the same code, as on AWS.
      expected: { status: [400], codes: [ERROR_CODES.validationFailed] },
    }));
  const mediaType = arbStage.chain((stage) =>
    fc
      .tuple(
        pooledBody(stage),
        fc.option(
          fc.oneof(
            fc.constantFrom(
              'text/plain',
              'application/xml',
              'multipart/form-data; boundary=x',
              'application/json; charset=latin1',
              'json',
              '*/*',
              'application/x-www-form-urlencoded',
            ),
            fc.stringMatching(/^[a-z]{1,10}\/[a-z0-9.+-]{1,20}$/).filter((t) => !/json$/.test(t)),
          ),
          { nil: undefined },
        ),
      )
      .map(([{ body }, type]) => ({
        kind: 'wrong or missing Content-Type',
        ...post(stage, keys.valid, type, JSON.stringify(body)),
        expected: { status: [415], codes: [ERROR_CODES.unsupportedMediaType] },
      })),
  );
  const unknownStage = fc
    .tuple(
      fc.oneof(
        fc.stringMatching(/^[a-zA-Z0-9_-]{1,30}$/),
        fc.constantFrom('Posting', 'POSTING', 'ingestion2', 'stage', '%70osting'),
      ),
      arbStage.chain((stage) => pooledBody(stage)),
    )
    .filter(([segment]) => !(STAGES as readonly string[]).includes(segment) && segment !== '%70osting')
    .map(([segment, { body }]) => ({
      kind: 'unknown stage',
      ...post(segment, keys.valid, 'application/json', JSON.stringify(body)),
      expected: { status: [404], codes: [ERROR_CODES.unknownStage] },
    }));
  const auth = arbStage.chain((stage) =>
    fc
      .tuple(
        pooledBody(stage),
        fc.oneof(
          fc.constant({ key: undefined as string | undefined, codes: [ERROR_CODES.forbidden] }),
          fc.constant({ key: '', codes: [ERROR_CODES.forbidden] }),
          fc.constant({ key: keys.revoked, codes: [ERROR_CODES.forbidden] }),
          fc
            .stringMatching(/^[\x21-\x7e]{1,64}$/)
            .filter((key) => key !== keys.valid && key !== keys.revoked)
            .map((key) => ({ key: key as string | undefined, codes: [ERROR_CODES.forbidden] })),
          fc.constant({ key: keys.valid.toUpperCase(), codes: [ERROR_CODES.forbidden] }),
        ),
      )
      .map(([{ body }, { key, codes }]) => ({
        kind: 'no, wrong or revoked API key',
        ...post(stage, key, 'application/json', JSON.stringify(body)),
        expected: { status: [403], codes },
      })),
  );
  const methods = fc
    .tuple(
      fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      arbStage,
      fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
    )
    .map(([method, stage, body]) => ({
      kind: 'other methods on /invoices/{stage}',
      method,
      path: `/invoices/${stage}`,
      headers: { 'x-api-key': keys.valid, 'content-type': 'application/json' },
      ...(body !== undefined ? { body } : {}),
      expected: { status: [405] },
    }));
  const reads = fc
    .tuple(
      fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/).map((id) => `/invoices/${encodeURIComponent(id)}`),
        fc.string({ maxLength: 80 }).map((id) => `/invoices/${encodeURIComponent(id)}`),
        fc.string({ maxLength: 40 }).map((id) => `/api/invoices/${encodeURIComponent(id)}/timeline`),
        fc.string({ maxLength: 40 }).map((view) => `/api/views/${encodeURIComponent(view)}`),
        fc.constantFrom(
          '/health',
          '/dashboard',
          '/dashboard/',
          '/api/views/operations',
          '/api/views/finance',
          '/api/views/executive',
        ),
      ),
      fc.constantFrom('GET', 'HEAD'),
      fc.option(fc.constantFrom(keys.valid, keys.revoked, 'nope'), { nil: undefined }),
    )
    .map(([path, method, key]) => ({
      kind: 'reads (timelines, views, health, dashboard)',
      method,
      path,
      headers: key !== undefined ? { 'x-api-key': key } : {},
      expected: { status: [200, 301, 304, 400, 403, 404] },
    }));
  const paths = fc
    .tuple(
      fc.oneof(
        fc.webPath(),
        fc
          .array(fc.oneof(fc.webSegment(), fc.constantFrom('..', '.', '', '%2e%2e', '%2F', 'invoices', 'posting')), {
            maxLength: 6,
          })
          .map((segments) => `/${segments.join('/')}`),
        fc.stringMatching(/^\/[A-Za-z0-9._~%!$&'()*+,;=:@/-]{0,2000}$/),
      ),
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    )
    .filter(([path]) => path.startsWith('/'))
    .map(([path, method]) => ({
      kind: 'random paths and methods',
      method,
      path,
      headers: { 'x-api-key': keys.valid, 'content-type': 'application/json' },
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }),
      // Whatever the route: a 4xx for nonsense (never a 5xx); a 2xx only for real reads.
      expected: { status: [200, 301, 304, 400, 403, 404, 405, 413, 415] },
    }));
  const sizes = arbStage.chain((stage) =>
    fc
      .tuple(acceptableBody(stage), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 800_000 }), fc.boolean())
      .map(([{ body, eventIds }, aroundLimit, random, atLimit]) => {
        const text = JSON.stringify(body);
        // JSON allows trailing whitespace: pad a valid body to the byte count wanted.
        const size = atLimit ? MAX_BODY_BYTES + aroundLimit : Math.max(text.length, random);
        const padded = text + ' '.repeat(Math.max(0, size - Buffer.byteLength(text)));
        const fits = Buffer.byteLength(padded) <= MAX_BODY_BYTES;
        return {
          kind: 'body sizes around and past 256 KB',
          ...post(stage, keys.valid, 'application/json', padded),
          expected: fits
            ? { status: 202 as const, eventIds, stage }
            : { status: [413], codes: [ERROR_CODES.payloadTooLarge] },
        };
      }),
  );
  const noise = arbStage.chain((stage) =>
    fc
      .tuple(
        acceptableBody(stage),
        fc.dictionary(arbHeaderName, arbHeaderValue, { maxKeys: 12 }),
        fc.option(fc.webQueryParameters(), { nil: undefined }),
        fc.constantFrom(undefined, 'gzip', 'identity', 'br'),
      )
      .map(([{ body, eventIds }, extra, query, encoding]) => {
        const request = post(stage, keys.valid, 'application/json', JSON.stringify(body));
        return {
          kind: 'extra headers, query strings, content-encoding claims',
          ...request,
          path: query ? `${request.path}?${query}` : request.path,
          headers: { ...extra, ...request.headers, ...(encoding ? { 'content-encoding': encoding } : {}) },
          expected: { status: 202 as const, eventIds, stage },
        };
      }),
  );
  return fc.oneof(
    { arbitrary: valid, weight: 4 },
    { arbitrary: invalid, weight: 16 },
    { arbitrary: manyProblems, weight: 5 },
    { arbitrary: anyJson, weight: 8 },
    { arbitrary: garbage, weight: 8 },
    { arbitrary: mediaType, weight: 6 },
    { arbitrary: unknownStage, weight: 5 },
    { arbitrary: auth, weight: 10 },
    { arbitrary: methods, weight: 6 },
    { arbitrary: reads, weight: 10 },
    { arbitrary: paths, weight: 14 },
    { arbitrary: sizes, weight: 2 },
    { arbitrary: noise, weight: 4 },
  ) as fc.Arbitrary<FuzzCase>;
}
