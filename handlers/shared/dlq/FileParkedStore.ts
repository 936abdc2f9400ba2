import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { AuditRecord, ParkedMessage } from '../../../schemas/parkedMessage.ts';
import { auditKey, byParkedAt, type ParkedStore, parkedKey, parseAudit, parseParked } from './ParkedStore.ts';

/**
 * The parked store of the local cell: one JSON file per parked message and per audit record under a
 * directory of the data directory (`<data-dir>/parked-store/`), in the layout of the S3 store. Only
 * the `bems` CLI and the monitor use it, both on the machine that holds the data directory, so a
 * plain directory is as durable as the queues next to it (see the ADR on the parked store).
 *
 * A file is written to a temporary name, flushed to disk (fsync), renamed, and its directory flushed:
 * a crash leaves the old file or the new one, never half of one.
 */
export class FileParkedStore implements ParkedStore {
  readonly location: string;

  constructor(private readonly root: string) {
    this.location = root;
  }

  async put(message: ParkedMessage): Promise<void> {
    await this.#write(parkedKey(message.id), JSON.stringify(message, null, 2));
  }

  async get(id: string): Promise<ParkedMessage | undefined> {
    const path = join(this.root, parkedKey(id));
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return text === undefined ? undefined : parseParked(text, path);
  }

  async list(prefix = ''): Promise<ParkedMessage[]> {
    const base = join(this.root, 'parked');
    const files = await walk(base);
    const messages: ParkedMessage[] = [];
    for (const file of files) {
      const id = relative(base, file)
        .split(sep)
        .join('/')
        .replace(/\.json$/, '');
      if (!file.endsWith('.json') || !id.startsWith(prefix)) continue;
      messages.push(parseParked(await readFile(file, 'utf8'), file));
    }
    return messages.sort(byParkedAt);
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.root, parkedKey(id)), { force: true });
  }

  async audit(record: AuditRecord): Promise<void> {
    await this.#write(auditKey(record), JSON.stringify(record, null, 2));
  }

  async auditTrail(): Promise<AuditRecord[]> {
    const files = (await walk(join(this.root, 'audit'))).filter((f) => f.endsWith('.json')).sort();
    return Promise.all(files.map(async (file) => parseAudit(await readFile(file, 'utf8'), file)));
  }

  async #write(key: string, text: string): Promise<void> {
    const path = join(this.root, key);
    const directory = dirname(path);
    await mkdir(directory, { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    await rename(temporary, path);
    // The rename is durable only once the directory entry is on disk.
    const dirFd = openSync(directory, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }
}

async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
