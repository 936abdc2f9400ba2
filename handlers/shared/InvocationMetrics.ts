import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DimensionsOf, MetricDefinition, MetricUnit } from '../../schemas/metrics.ts';
import type { CommonHandlerConfig } from './handlerConfig.ts';

export interface MetricPoint {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly value: number;
  /** Added to the `cell` and `service` dimensions every BEMS metric carries. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Where an invocation's metrics go: CloudWatch EMF on stdout in production, an array in tests. */
export type MetricsPublisher = (points: readonly MetricPoint[]) => void;

/**
 * Metrics of one invocation, published together at its end.
 *
 * Powertools `Metrics` keeps dimensions and values on the instance, so a container-wide instance is
 * only safe while a container runs one invocation at a time. The local cell invokes a handler
 * concurrently, so each invocation collects its own points and the publisher builds the EMF
 * documents from them.
 */
export class InvocationMetrics {
  readonly #points: MetricPoint[] = [];
  constructor(private readonly publisher: MetricsPublisher) {}

  /** A point of one of the metrics of the contract (`schemas/metrics.ts`), in its unit and dimensions. */
  add<M extends MetricDefinition>(metric: M, value: number, dimensions: DimensionsOf<M>): void {
    this.#points.push({ name: metric.name, unit: metric.unit, value, dimensions });
  }

  /** Publishes and forgets what was collected; safe to call more than once. */
  flush(): void {
    if (this.#points.length === 0) return;
    const points = this.#points.splice(0);
    this.publisher(points);
  }
}

/** EMF via Powertools: one document per distinct dimension set (EMF shares dimensions per document). */
export function powertoolsMetricsPublisher(config: CommonHandlerConfig): MetricsPublisher {
  if (!config.metricsEnabled) return () => undefined;
  return (points) => {
    const groups = new Map<string, MetricPoint[]>();
    for (const point of points) {
      const key = JSON.stringify(Object.entries(point.dimensions).sort(([a], [b]) => a.localeCompare(b)));
      groups.set(key, [...(groups.get(key) ?? []), point]);
    }
    for (const group of groups.values()) {
      const metrics = new Metrics({
        namespace: config.metricsNamespace,
        serviceName: config.serviceName,
        defaultDimensions: { cell: config.cellId, ...group[0]!.dimensions },
      });
      for (const point of group) metrics.addMetric(point.name, point.unit, point.value);
      metrics.publishStoredMetrics();
    }
  };
}
