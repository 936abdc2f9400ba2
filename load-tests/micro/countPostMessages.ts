/**
 * Counts the main thread's `MessagePort.postMessage` calls of a process and the CPU they took, and
 * prints both at exit (stderr, so that a child's JSON output stays parseable): a preload, for
 * seeing what the cross-thread messages of the local cell cost its main thread.
 *
 *   NODE_OPTIONS="--import ./load-tests/micro/countPostMessages.ts" npx tsx load-tests/profile.ts --events 8000 --idempotency off
 *
 * Each process that loads it (the cell's and the load generator's) prints its own line.
 */
import { isMainThread, MessagePort } from 'node:worker_threads';

const post = MessagePort.prototype.postMessage;
let calls = 0;
let cpuMicros = 0;
MessagePort.prototype.postMessage = function countedPostMessage(
  this: MessagePort,
  ...args: Parameters<MessagePort['postMessage']>
): void {
  const start = process.threadCpuUsage();
  post.apply(this, args);
  const used = process.threadCpuUsage(start);
  cpuMicros += used.user + used.system;
  calls += 1;
};

process.on('exit', () => {
  if (!isMainThread || calls === 0) return;
  const name = process.argv[1]?.split('/').pop();
  console.error(
    `${name}: main-thread MessagePort.postMessage ${calls} calls, CPU ${(cpuMicros / 1000).toFixed(0)} ms, ${(cpuMicros / calls).toFixed(1)} µs each`,
  );
});
