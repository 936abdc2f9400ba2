import { describe, expect, it } from 'vitest';
import { PooledPagesEstimate } from '../../../../local/worker/heapTrimmer.ts';
import { runCommand } from '../../../helpers/runCommand.ts';

const MIB = 1024 * 1024;

describe('PooledPagesEstimate: when a thread has emptied heap pages worth giving back', () => {
  it('asks for a trim once the heap has stayed 32 MiB below its largest size for two checks', () => {
    // Arrange
    const estimate = new PooledPagesEstimate(32);

    // Act: the heap grows to 200 MiB, then a major GC takes it to 100.
    const answers = [60, 120, 200, 100, 100].map((mib) => estimate.observe(mib * MIB));

    // Assess
    expect(answers).toEqual([false, false, false, false, true]);
    expect(estimate.pooledBytes(100 * MIB)).toBe(100 * MIB);
  });

  it('does not trim a heap that grows back at once (it takes its pages from the pool)', () => {
    // Arrange
    const estimate = new PooledPagesEstimate(32);

    // Act: a shrink, then back above the mark before the second check.
    const answers = [200, 100, 190, 100, 195].map((mib) => estimate.observe(mib * MIB));

    // Assess
    expect(answers).toEqual([false, false, false, false, false]);
  });

  it('ignores shrinks smaller than the minimum', () => {
    // Arrange
    const estimate = new PooledPagesEstimate(32);

    // Act
    const answers = [200, 170, 170, 170].map((mib) => estimate.observe(mib * MIB));

    // Assess
    expect(answers).toEqual([false, false, false, false]);
  });

  it('measures from the size after a trim: the pool it emptied does not count again', () => {
    // Arrange
    const estimate = new PooledPagesEstimate(32);
    for (const mib of [200, 100, 100]) estimate.observe(mib * MIB);

    // Act
    estimate.trimmed(90 * MIB);
    const answers = [90, 100, 80].map((mib) => estimate.observe(mib * MIB));

    // Assess: 100 → 80 is 20 MiB, under the minimum.
    expect(answers).toEqual([false, false, false]);
  });
});

describe('the heap trimmer on a busy thread (load-tests/soak/v8PagePool.ts)', () => {
  it('gives back the pages V8 keeps resident after its heap shrinks', async () => {
    // Act: a thread fills ~160 MiB of heap, drops it, stays busy; then the same with the trimmer on.
    const run = await runCommand(
      process.execPath,
      ['--import', 'tsx', 'load-tests/soak/v8PagePool.ts', '--objects', '1000000', '--busy-s', '3'],
      {},
      50_000,
    );

    // Assess: V8 alone kept the pages (the reason for the trimmer); the trimmer gave them back.
    const kept = /kept resident by V8 on a busy thread: ([\d,]+) MiB; given back by the trimmer: ([\d,]+) MiB/.exec(
      run.output,
    );
    expect(kept, run.output).not.toBeNull();
    expect(Number(kept?.[1]?.replaceAll(',', ''))).toBeGreaterThanOrEqual(64);
    expect(Number(kept?.[2]?.replaceAll(',', ''))).toBeGreaterThanOrEqual(48);
    expect(run.output).toMatch(/trims: [1-9]/);
    expect(run.code, run.output).toBe(0);
  }, 60_000);
});
