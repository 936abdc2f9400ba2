import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the first JSON line a child process prints on stdout (the emulator fixtures print
 * `{"endpoint": …}` once they listen); rejects if the child exits first.
 */
export function firstJsonLine<T = { endpoint: string }>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const newline = buffer.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(buffer.slice(0, newline)) as T);
    });
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${code} before listening`)));
  });
}
