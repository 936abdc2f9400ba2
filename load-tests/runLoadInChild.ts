import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadOptions, LoadResult } from './loadGenerator.ts';

const WORKER = fileURLToPath(new URL('./loadWorker.ts', import.meta.url));

/**
 * Runs the load generator in a child Node process (its own event loop and, on a 2-core machine,
 * its own core) and resolves with its result. The child inherits stderr so its errors show.
 */
export function runLoadInChild(options: LoadOptions): Promise<LoadResult> {
  const tsx = import.meta.resolve('tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, WORKER, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${signal ?? code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as LoadResult);
      } catch (error) {
        reject(new Error(`load generator printed no result: ${out.slice(0, 200)}`, { cause: error }));
      }
    });
  });
}
