import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEMI_SPACE_MB } from '../../../../local/worker/heapSizing.ts';
import { startTsWorker } from '../../../../local/worker/startEmulatorWorker.ts';

/**
 * The cell's threads keep their young generation small: V8 would otherwise grow each one's new
 * space to 64–128 MiB under a steady allocation rate, resident memory the soak saw grow for minutes.
 */
describe('heap sizing of the local cell', () => {
  it("bounds a cell worker's new space under a high allocation rate", async () => {
    // Prepare
    const worker = startTsWorker(new URL('./fixtures/newSpaceAfterChurn.ts', import.meta.url), {}, { name: 'churn' });

    try {
      // Act
      const [report] = (await once(worker, 'message')) as [{ newSpaceBytes: number }];

      // Assess: two semi-spaces at most (unbounded, this churn grows it to 128 MiB).
      expect(report.newSpaceBytes).toBeGreaterThan(0);
      expect(report.newSpaceBytes).toBeLessThanOrEqual(2 * SEMI_SPACE_MB * 2 ** 20);
    } finally {
      await worker.terminate();
    }
  });

  it('gives the main thread the same semi-space size in every script that runs a cell', () => {
    // Prepare
    const { scripts } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };

    // Act
    const flags = ['start', 'bench', 'soak'].map(
      (name) => /--max-semi-space-size=(\d+)/.exec(scripts[name] ?? '')?.[1],
    );

    // Assess
    expect(flags).toEqual([SEMI_SPACE_MB, SEMI_SPACE_MB, SEMI_SPACE_MB].map(String));
  });
});
