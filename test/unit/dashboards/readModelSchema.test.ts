import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_MODEL_SCHEMA } from '../../../dashboards/readModel/index.ts';
import { TimestreamStore } from '../../../local/timestream/TimestreamStore.ts';
import { READ_MODEL_COLUMNS, READ_MODEL_VIEW, TIMESTREAM_COLUMNS } from '../../../schemas/analyticsRecord.ts';

describe('the local read model schema', () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('has a column for every field of the analytics record, under its read-model name', () => {
    // Prepare
    dataDir = mkdtempSync(join(tmpdir(), 'bems-read-model-'));
    const store = new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA });

    // Act
    const columns = store.query<{ name: string }>(`PRAGMA table_info(${READ_MODEL_VIEW})`).map((c) => c.name);
    store.close();

    // Assess
    expect(columns).toEqual(expect.arrayContaining(Object.values(READ_MODEL_COLUMNS)));
    expect(READ_MODEL_COLUMNS.received_at).toBe('received_at_ms');
    expect(TIMESTREAM_COLUMNS.received_at).toBe('received_at');
  });

  it('is installed again at every open, so a data directory written without it still reads', () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bems-read-model-'));
    new TimestreamStore({ dataDir }).close();
    const store = new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA });
    expect(store.query(`SELECT count(*) AS n FROM ${READ_MODEL_VIEW}`)).toEqual([{ n: 0 }]);
    store.close();
    // The schema is idempotent: a second open with it succeeds.
    new TimestreamStore({ dataDir, readSchema: READ_MODEL_SCHEMA }).close();
  });
});
