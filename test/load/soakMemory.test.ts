import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { MemoryBreakdown, type MemorySample } from '../../load-tests/soak/memoryBreakdown.ts';
import { memoryGrowth } from '../../load-tests/soak/memoryGrowth.ts';

function sample(atS: number, rssMiB: number, emulatorsUsedMiB: number): MemorySample {
  return {
    atS,
    rssMiB,
    anonMiB: rssMiB - 70,
    fileMiB: 70,
    shmemMiB: 0,
    lazyFreeMiB: 0,
    nativeMiB: 100,
    childrenMiB: 0,
    heaps: {
      main: { usedMiB: 50, physicalMiB: 100, externalMiB: 5 },
      emulators: { usedMiB: emulatorsUsedMiB, physicalMiB: 150, externalMiB: 8 },
    },
  };
}

describe('soak memory growth', () => {
  it('takes the median of each window per series, so one outlier sample does not decide it', () => {
    // Prepare: flat at 500 MiB before 30 s, then 600 MiB with one spike at 800.
    const samples = [
      ...[1, 2, 3, 4, 5].map((i) => sample(25 + i, 500, 40)),
      ...[1, 2, 3, 4, 5].map((i) => sample(55 + i, i === 3 ? 800 : 600, 90)),
    ];

    // Act
    const growth = memoryGrowth(samples, { fromS: 25, toS: 30 }, { fromS: 55, toS: 60 });

    // Assess
    const bySeries = Object.fromEntries(growth.map((g) => [g.series, g]));
    expect(bySeries.rss).toMatchObject({ afterWarmUpMiB: 500, atEndMiB: 600, growthMiB: 100 });
    expect(bySeries['heap used: emulators']).toMatchObject({ growthMiB: 50 });
    expect(bySeries['heap used: main']).toMatchObject({ growthMiB: 0 });
    expect(bySeries.native?.growthMiB).toBe(0);
  });
});

describe('MemoryBreakdown', () => {
  it('finds worker threads started after it, by name, and measures their heaps', async () => {
    // Prepare
    const breakdown = new MemoryBreakdown(/never-matches/);
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true, name: 'soak-test-thread' });
    try {
      await new Promise((resolve) => worker.once('online', resolve));

      // Act
      const measured = await breakdown.sample(1);

      // Assess
      expect(breakdown.worker('soak-test-thread')).toBe(worker);
      expect(measured.heaps['soak-test-thread']?.usedMiB).toBeGreaterThan(0);
      expect(measured.heaps.main?.physicalMiB).toBeGreaterThan(0);
      expect(measured.rssMiB).toBeGreaterThan(measured.heaps.main?.physicalMiB ?? 0);
    } finally {
      breakdown.stop();
      await worker.terminate();
    }
  });
});
