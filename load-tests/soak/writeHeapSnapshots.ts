import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { writeHeapSnapshot } from 'node:v8';
import type { MemoryBreakdown } from './memoryBreakdown.ts';

/**
 * Writes heap snapshots of the main thread and of the emulator thread as `<dir>/<tag>-<thread>.heapsnapshot`
 * (compare two with `load-tests/soak/compareHeapSnapshots.ts`). A snapshot stops its thread for
 * seconds and needs about twice its heap in memory: for diagnosis runs only, never the verdict's.
 */
export async function writeHeapSnapshots(dir: string, tag: string, breakdown: MemoryBreakdown): Promise<string[]> {
  const written: string[] = [];
  const emulators = breakdown.worker('emulators');
  if (emulators) {
    const file = join(dir, `${tag}-emulators.heapsnapshot`);
    await pipeline(await emulators.getHeapSnapshot(), createWriteStream(file));
    written.push(file);
  }
  written.push(writeHeapSnapshot(join(dir, `${tag}-main.heapsnapshot`)));
  return written;
}
