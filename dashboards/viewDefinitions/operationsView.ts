import { END_TO_END_VISIBILITY } from '../../schemas/metrics.ts';
import { ANOMALY_DETECTION, VISIBILITY_SLA_MS, type ViewDef } from '../views.ts';
import { headlinePanel } from './headlinePanel.ts';

/** The operators' view: throughput, backlogs, latency against the SLA and stuck invoices. */
export const OPERATIONS_VIEW: ViewDef = {
  id: 'operations',
  title: 'Operations',
  audience: 'Operators: throughput, backlogs, latency against the SLA and stuck invoices.',
  panels: [
    headlinePanel([
      {
        kind: 'measure',
        id: 'processed',
        label: 'Events processed',
        source: 'events',
        measure: 'events',
        timeField: 'processed',
        higherIsBetter: true,
      },
      {
        kind: 'measure',
        id: 'invoices',
        label: 'Invoices touched',
        source: 'events',
        measure: 'invoices',
        timeField: 'processed',
      },
      { kind: 'latency', id: 'p95', label: 'Latency p95', percentile: 95 },
      { kind: 'withinSla', id: 'withinSla', label: 'Recorded within SLA' },
      { kind: 'stuck', id: 'stuck', label: 'Stuck invoices' },
      { kind: 'dlq', id: 'dlq', label: 'Messages in DLQs' },
      { kind: 'anomalies', id: 'anomalies', label: 'Volume anomalies' },
    ]),
    {
      kind: 'chart',
      id: 'throughput',
      title: 'Throughput per stage',
      description: 'Events recorded per interval (by processing time), stacked by stage.',
      width: 8,
      chart: 'stackedBar',
      source: 'events',
      measure: 'events',
      dimensions: ['time', 'stage'],
      timeField: 'processed',
    },
    {
      kind: 'queues',
      id: 'queues',
      title: 'Queue depths and DLQs',
      description: 'Messages waiting or in flight per queue right now, and messages parked in dead-letter queues.',
      width: 4,
    },
    {
      kind: 'latency',
      id: 'latency',
      title: 'Latency received → recorded',
      description: `p50 / p95 / p99 per interval against the ${VISIBILITY_SLA_MS / 60_000}-minute visibility SLA (nearest-rank percentiles).`,
      width: 8,
      by: 'time',
    },
    {
      kind: 'latency',
      id: 'latencyByStage',
      title: 'Latency per stage',
      description: 'Percentiles over the whole range and the share of events recorded within the SLA.',
      width: 4,
      by: 'stage',
    },
    {
      kind: 'visibility',
      id: 'endToEnd',
      title: END_TO_END_VISIBILITY.title,
      description:
        'Per stage: from the API accepting an event to the store accepting its record (write time − receipt), replays left out; the cell’s CloudWatch dashboard shows the same figure.',
      width: 12,
    },
    {
      kind: 'anomalies',
      id: 'volumeAnomalies',
      title: 'Event volume anomalies',
      description: `Events per interval; intervals whose robust z-score (median / MAD) exceeds ${ANOMALY_DETECTION.threshold} are flagged.`,
      width: 12,
    },
    {
      kind: 'stuck',
      id: 'stuck',
      title: 'Stuck invoices',
      description:
        'Invoices whose latest event is older than its stage SLA and not final. Select one to see its timeline.',
      width: 12,
    },
  ],
};
