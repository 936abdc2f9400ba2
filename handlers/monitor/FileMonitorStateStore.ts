import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type MonitorState, type MonitorStateStore, parseMonitorState } from './MonitorState.ts';

/** Monitor state in a JSON file, replaced atomically (write a temporary file, then rename over). */
export class FileMonitorStateStore implements MonitorStateStore {
  constructor(readonly path: string) {}

  get location(): string {
    return this.path;
  }

  async load(): Promise<{ state: MonitorState; problem?: string }> {
    let text: string | undefined;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return parseMonitorState(text);
  }

  async save(state: MonitorState): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
    await rename(temporary, this.path);
  }
}
