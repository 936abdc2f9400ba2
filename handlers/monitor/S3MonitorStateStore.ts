import type { S3Client } from '@aws-sdk/client-s3';
import { getObjectText, putJsonObject } from '../shared/s3Objects.ts';
import { type MonitorState, type MonitorStateStore, parseMonitorState } from './MonitorState.ts';

/**
 * Monitor state in one S3 object (`MONITOR_STATE_BUCKET`, `MONITOR_STATE_KEY`: in an AWS cell the
 * `monitor/alert-state.json` object of the parked-messages bucket, whose S3 client the monitor
 * has anyway — ADR 0025). One writer: the monitor's reserved concurrency is 1 and it runs once a minute.
 */
export class S3MonitorStateStore implements MonitorStateStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    readonly key: string,
  ) {}

  get location(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  async load(): Promise<{ state: MonitorState; problem?: string }> {
    return parseMonitorState(await getObjectText(this.s3, this.bucket, this.key));
  }

  async save(state: MonitorState): Promise<void> {
    await putJsonObject(this.s3, this.bucket, this.key, JSON.stringify(state));
  }
}
