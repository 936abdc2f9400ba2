import { readFileSync } from 'node:fs';

/**
 * Bytes this process has handed to write()/pwrite() so far (`wchar` of /proc/self/io, every thread):
 * for a micro whose emulators write SQLite, the WAL frames of its commits (4 KiB page + 24-byte
 * header each) and its checkpoints. Unlike CPU time it does not depend on what else the machine is
 * running, so a change in pages written per commit shows exactly. Linux only.
 */
export function writtenBytes(): number {
  const line = /^wchar:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  if (!line) throw new Error('/proc/self/io has no wchar line');
  return Number(line[1]);
}

/**
 * Bytes this process has read through read()/pread() so far (`rchar` of /proc/self/io, every
 * thread): for SQLite, the pages it did not find in its page cache (from the OS cache, WAL frames
 * included). Like {@link writtenBytes}, independent of the machine's load. Linux only.
 */
export function readBytes(): number {
  const line = /^rchar:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  if (!line) throw new Error('/proc/self/io has no rchar line');
  return Number(line[1]);
}
