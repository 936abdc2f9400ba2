import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeDeliveryStreamCommand, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FIREHOSE_STORE_FILE,
  FirehoseStore,
  FirehoseStoreError,
  startFirehoseEmulator,
} from '../../../../local/firehose/index.ts';
import {
  ACCOUNT,
  clientFor,
  DATABASE,
  jsonLine,
  REGION,
  STREAMS,
  TABLE,
  tempDataDir,
  UPSERT_STREAM,
} from './support.ts';

const CHILD = fileURLToPath(new URL('./fixtures/killAfterAnswer.ts', import.meta.url));

describe('Firehose emulator durability', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps streams and rows across a restart, and provisioning again changes nothing', async () => {
    const dataDir = newDir();
    const options = { dataDir, region: REGION, accountId: ACCOUNT, streams: STREAMS };
    const first = await startFirehoseEmulator(options);
    const client = clientFor(first.endpoint);
    await client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: UPSERT_STREAM,
        Records: [jsonLine({ event_id: 'e1', stage: 's', v: 1 })],
      }),
    );
    client.destroy();
    await first.stop();

    const second = await startFirehoseEmulator(options);
    const again = clientFor(second.endpoint);
    const { DeliveryStreamDescription: d } = await again.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: UPSERT_STREAM }),
    );
    expect(d?.VersionId).toBe('1');
    // The unique keys still hold after the restart: an update replaces the row written before it.
    await again.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: UPSERT_STREAM,
        Records: [jsonLine({ event_id: 'e1', stage: 's', v: 2 })],
      }),
    );
    expect(second.store.rows(DATABASE, TABLE)).toEqual([{ event_id: 'e1', stage: 's', v: 2 }]);
    again.destroy();
    await second.stop();
  });

  it('applies a changed stream configuration at start (new VersionId)', async () => {
    const dataDir = newDir();
    const base = { dataDir, region: REGION, accountId: ACCOUNT };
    await (await startFirehoseEmulator({ ...base, streams: STREAMS })).stop();
    const changed = [{ ...STREAMS[0]!, tables: [{ database: DATABASE, table: TABLE, uniqueKeys: ['event_id'] }] }];
    const emulator = await startFirehoseEmulator({ ...base, streams: changed });
    const client = clientFor(emulator.endpoint);
    const { DeliveryStreamDescription: d } = await client.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: UPSERT_STREAM }),
    );
    expect(d?.VersionId).toBe('2');
    expect(
      d?.Destinations?.[0]?.IcebergDestinationDescription?.DestinationTableConfigurationList?.[0]?.UniqueKeys,
    ).toEqual(['event_id']);
    client.destroy();
    await emulator.stop();
  });

  it('loses nothing acknowledged when the process is killed with SIGKILL right after an answer', async () => {
    const dataDir = newDir();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, s) => resolve(s)));
    expect(signal, output).toBe('SIGKILL');
    const { acknowledged } = JSON.parse(output.trim().split('\n').at(-1)!) as { acknowledged: string[] };

    const store = new FirehoseStore({ dataDir });
    try {
      const rows = store.rowsWithOrigin(DATABASE, TABLE);
      expect(rows.map((r) => r.data)).toEqual([
        { event_id: 'e2', stage: 's', v: 1 },
        { event_id: 'e1', stage: 's', v: 2 },
      ]);
      expect(rows.map((r) => r.recordId)).toEqual([acknowledged[1], acknowledged[2]]);
    } finally {
      store.close();
    }
  });

  it('refuses a file that is not a Firehose store and leaves it untouched', () => {
    const dataDir = newDir();
    const path = join(dataDir, FIREHOSE_STORE_FILE);
    const content = 'not sqlite at all, but long enough to be read as a header by SQLite: '.repeat(10);
    writeFileSync(path, content);
    expect(() => new FirehoseStore({ dataDir })).toThrow(FirehoseStoreError);
    expect(readFileSync(path, 'utf8')).toBe(content);
  });
});
