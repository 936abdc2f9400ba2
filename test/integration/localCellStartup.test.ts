import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirError, PortInUseError, startLocalCell } from '../../local/cell/index.ts';

/** Start-up refusals: one clear error, and nothing created or changed in the data directory. */

let root: string;
let blocker: Server;
let takenPort: number;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'bems-local-startup-'));
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  takenPort = (blocker.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe('local cell start-up', () => {
  it('refuses a taken port with PortInUseError before creating the data directory', async () => {
    // Prepare
    const dataDir = join(root, 'never-created');

    // Act
    const start = startLocalCell({ port: takenPort, dataDir, quiet: true, monitorIntervalMs: 0 });

    // Assess
    await expect(start).rejects.toBeInstanceOf(PortInUseError);
    await expect(start).rejects.toThrow(`port ${takenPort} on 127.0.0.1 is already in use`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a data directory that is a file, and leaves the file as it was', async () => {
    // Prepare
    const file = join(root, 'a-file');
    writeFileSync(file, 'precious');

    // Act
    const start = startLocalCell({ port: 0, dataDir: file, quiet: true, monitorIntervalMs: 0 });

    // Assess
    await expect(start).rejects.toBeInstanceOf(DataDirError);
    await expect(start).rejects.toThrow(/exists but is not a directory/);
    expect(readFileSync(file, 'utf8')).toBe('precious');
  });

  it('refuses a data directory another running cell uses', async () => {
    // Prepare
    const dataDir = join(root, 'shared');
    const first = await startLocalCell({ port: 0, dataDir, quiet: true, monitorIntervalMs: 0 });

    try {
      // Act
      const second = startLocalCell({ port: 0, dataDir, quiet: true, monitorIntervalMs: 0 });

      // Assess
      await expect(second).rejects.toBeInstanceOf(DataDirError);
      await expect(second).rejects.toThrow(`is in use by another local cell (pid ${process.pid})`);
      expect((await first.health()).healthy).toBe(true);
    } finally {
      await first.stop();
    }
  });
});
