import { statSync } from 'node:fs';
import { percentiles } from '../percentiles.ts';
import { type InitSample, lambdaLikeEnvironment, measureInit } from './measureInit.ts';

export interface BundleSet {
  readonly label: string;
  /** handler → bundle file */
  readonly bundles: Readonly<Record<string, string>>;
}

export interface InitFigures {
  readonly median: number;
  readonly p95: number;
  readonly importMedian: number;
}

export interface FunctionComparison {
  readonly handler: string;
  readonly before: { readonly bytes: number; readonly init: InitFigures };
  readonly after: { readonly bytes: number; readonly init: InitFigures };
}

/**
 * Loads every bundle of `before` and `after` in `runs` fresh processes each. The two are
 * interleaved (before, after, before, after…) so that whatever else the machine is doing weighs
 * on both alike; the ratios are what to read, the absolute numbers depend on that load.
 */
export async function compareBundles(
  before: BundleSet,
  after: BundleSet,
  runs: number,
  progress: (line: string) => void,
): Promise<FunctionComparison[]> {
  const rows: FunctionComparison[] = [];
  for (const handler of Object.keys(after.bundles)) {
    const beforeBundle = before.bundles[handler];
    const afterBundle = after.bundles[handler]!;
    if (!beforeBundle) throw new Error(`${before.label} has no bundle for ${handler}`);
    const env = lambdaLikeEnvironment(`bems-coldstart-${handler}`);
    const samples: { before: InitSample[]; after: InitSample[] } = { before: [], after: [] };
    // One unmeasured load of each first: the file cache, not the bundle, would otherwise pay.
    await measureInit(beforeBundle, env);
    await measureInit(afterBundle, env);
    for (let run = 0; run < runs; run++) {
      samples.before.push(await measureInit(beforeBundle, env));
      samples.after.push(await measureInit(afterBundle, env));
    }
    progress(`${handler}: ${runs} loads of each bundle`);
    rows.push({
      handler,
      before: { bytes: statSync(beforeBundle).size, init: figures(samples.before) },
      after: { bytes: statSync(afterBundle).size, init: figures(samples.after) },
    });
  }
  return rows;
}

export function figures(samples: readonly InitSample[]): InitFigures {
  const init = percentiles(samples.map((s) => s.initMs));
  return { median: init.p50, p95: init.p95, importMedian: percentiles(samples.map((s) => s.importMs)).p50 };
}
