import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ANALYTIC_FLOOR_PER_1000, METERED_SERVICES, type RequestsPer1000 } from './requestProfile.ts';

/** Where `npm run bench` saves its results (the cost model's default input). */
export const LATEST_RESULTS_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../load-tests/results/latest.json',
);

const RequestsPer1000Schema = z.object({
  ...Object.fromEntries(METERED_SERVICES.map((s) => [s, z.number().nonnegative()])),
  kms: z.number().nonnegative().optional(),
}) as unknown as z.ZodType<RequestsPer1000>;

/**
 * The part of `load-tests/results/latest.json` the cost model reads; the rest of the file is the
 * benchmark's business.
 */
const BenchResultsSubsetSchema = z.object({
  measuredAt: z.string(),
  commit: z.string(),
  pipeline: z.object({ requestsPer1000: RequestsPer1000Schema }),
});

export interface RequestProfileSource {
  readonly requestsPer1000: RequestsPer1000;
  /** `measured` = from a benchmark run, `floor` = the analytic floor. */
  readonly kind: 'measured' | 'floor';
  readonly description: string;
}

/**
 * The measured request profile of the last benchmark when its results file exists and is valid,
 * else the analytic floor. A malformed file is reported, not silently replaced.
 */
export function loadRequestProfile(path: string = LATEST_RESULTS_PATH): RequestProfileSource {
  if (!existsSync(path)) {
    return {
      kind: 'floor',
      requestsPer1000: ANALYTIC_FLOOR_PER_1000,
      description: 'analytic floor (batches of 10, one consumer per stage); run `npm run bench` to measure',
    };
  }
  const parsed = BenchResultsSubsetSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path} is not a benchmark results file: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return {
    kind: 'measured',
    requestsPer1000: parsed.data.pipeline.requestsPer1000,
    description: `measured by npm run bench at ${parsed.data.measuredAt} (commit ${parsed.data.commit})`,
  };
}
