import { type TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import type { DlqRoute } from '../shared/dlq/DlqRoute.ts';

export interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Asks whether the dependency a queue's consumer failed on works again, before the monitor moves
 * that queue's DLQ back. Consumers write to the time-series store; inboxes publish to SNS (no probe:
 * the monitor relies on the failure signals of the queues for those).
 */
export interface DependencyProbe {
  probe(route: DlqRoute): Promise<ProbeResult>;
}

/** The measure name of probe records; views and dashboards read only `invoice_event`. */
export const PROBE_MEASURE_NAME = 'bems_monitor_probe';

/**
 * Writes one tiny record to the events table, through the same API the consumers use. A probe
 * that only read metadata would pass while WriteRecords is throttled or failing. Only runs when a
 * consumer DLQ is about to be redriven, so it costs nothing on a quiet cell.
 */
export class TimestreamWriteProbe implements DependencyProbe {
  constructor(
    private readonly client: TimestreamWriteClient,
    private readonly databaseName: string,
    private readonly tableName: string,
    private readonly cellId: string,
    private readonly now: () => number = Date.now,
  ) {}

  async probe(route: DlqRoute): Promise<ProbeResult> {
    if (route.role !== 'consumer') return { ok: true, detail: 'no probe for inbox queues' };
    try {
      await this.client.send(
        new WriteRecordsCommand({
          DatabaseName: this.databaseName,
          TableName: this.tableName,
          Records: [
            {
              Dimensions: [
                { Name: 'cell', Value: this.cellId },
                { Name: 'probe', Value: 'stuck-event-monitor' },
              ],
              MeasureName: PROBE_MEASURE_NAME,
              MeasureValue: '1',
              MeasureValueType: 'BIGINT',
              Time: String(this.now()),
              TimeUnit: 'MILLISECONDS',
            },
          ],
        }),
      );
      return { ok: true, detail: 'Timestream write probe succeeded' };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, detail: `Timestream write probe failed (${name}: ${message})` };
    }
  }
}
