import type { MetricPoint } from '../../handlers/shared/InvocationMetrics.ts';
import type { RetryClock } from '../../handlers/shared/retry.ts';

/** The common part of a handler's Lambda environment, quiet (no logs, no EMF, no X-Ray). */
export function handlerTestEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    CELL_ID: 'test',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_SERVICE_NAME: 'bems-test',
    POWERTOOLS_METRICS_NAMESPACE: 'BEMS',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    ...extra,
  };
}

/** A retry clock that never waits and records the backoffs it was asked for. */
export function instantRetryClock(random = 0.5): RetryClock & { readonly sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => random,
  };
}

/** Collects published metrics; `total(name, dims)` sums the matching points. */
export function metricsRecorder() {
  const points: MetricPoint[] = [];
  return {
    points,
    publishMetrics: (published: readonly MetricPoint[]) => {
      points.push(...published);
    },
    total(name: string, dimensions: Record<string, string> = {}): number {
      return points
        .filter((p) => p.name === name && Object.entries(dimensions).every(([k, v]) => p.dimensions[k] === v))
        .reduce((sum, p) => sum + p.value, 0);
    },
  };
}
