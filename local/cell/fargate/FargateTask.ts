import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { PollerEvent } from '../../../runtimes/fargatePoller/QueuePoller.ts';
import type { LocalLogger } from '../LocalLogger.ts';

/** The poller runtime's entry point, run from source through tsx (the image runs its esbuild bundle). */
export const POLLER_ENTRY = path.resolve(import.meta.dirname, '..', '..', '..', 'runtimes', 'fargatePoller', 'main.ts');

export interface FargateTaskOptions {
  /** The service's name, for logs. */
  readonly name: string;
  /** The whole environment of the process: the plan's, the poller's and the local runtime's. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logger: LocalLogger;
  /** Wait before a task that exited on its own is replaced. @default 500 */
  readonly restartDelayMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL (ECS's stopTimeout). @default 30000 */
  readonly stopTimeoutMs?: number;
}

export type FargateTaskState = 'created' | 'running' | 'stopping' | 'stopped';

export interface FargateTaskStats {
  readonly state: FargateTaskState;
  readonly pid: number | undefined;
  /** Processes started in place of one that exited on its own (killed, crashed). */
  readonly restarts: number;
  readonly batchesStarted: number;
  readonly batchesFinished: number;
  /** A batch was received and not yet finished when the process last reported. */
  readonly batchInFlight: boolean;
  /** How the last process ended: its exit code, or the signal that killed it. */
  readonly lastExit?: { readonly code: number | null; readonly signal: NodeJS.Signals | null };
  readonly lastError?: string;
}

/**
 * One ECS task of a Fargate consumer, locally: the poller runtime in its own Node process against
 * the local SQS, with the same environment the task definition gives the container. Like the ECS
 * service scheduler, it replaces a process that exits without being asked to (a crash, `kill -9`).
 * `stop()` sends SIGTERM, as ECS does, and the poller drains its batch before it exits.
 */
export class FargateTask {
  private state: FargateTaskState = 'created';
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stats = { restarts: 0, batchesStarted: 0, batchesFinished: 0, batchInFlight: false };
  private lastError: string | undefined;
  private lastExit: FargateTaskStats['lastExit'];

  constructor(private readonly options: FargateTaskOptions) {}

  start(): void {
    if (this.state !== 'created') throw new Error(`task ${this.options.name} already started`);
    this.state = 'running';
    this.spawn();
  }

  /** The running process's id (for fault tests: `process.kill(pid, 'SIGKILL')`). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  describe(): FargateTaskStats {
    return {
      state: this.state,
      pid: this.pid,
      ...this.stats,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.lastExit ? { lastExit: this.lastExit } : {}),
    };
  }

  async stop(): Promise<void> {
    if (this.state === 'created' || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs ?? 30_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.state = 'stopped';
  }

  private spawn(): void {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), POLLER_ENTRY], {
      env: { ...this.options.environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.stats.batchInFlight = false;
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`${line}\n`));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      this.lastExit = { code, signal };
      if (this.state !== 'running') return;
      this.lastError = `exited with ${signal ?? `code ${code}`}`;
      this.options.logger.warn('Fargate consumer task exited; replacing it', {
        service: this.options.name,
        pid: child.pid,
        code,
        signal,
      });
      this.stats.restarts++;
      setTimeout(() => {
        if (this.state === 'running') this.spawn();
      }, this.options.restartDelayMs ?? 500);
    });
  }

  /** Poller events update the stats; anything else (the handler's own logs) goes to the terminal. */
  private onLine(line: string): void {
    const event = parsePollerEvent(line);
    if (!event) {
      process.stdout.write(`${line}\n`);
      return;
    }
    if (event.poller === 'batch-started') {
      this.stats.batchesStarted++;
      this.stats.batchInFlight = true;
    } else if (event.poller === 'batch-finished') {
      this.stats.batchesFinished++;
      this.stats.batchInFlight = false;
    } else if (event.poller === 'error') {
      this.lastError = event.error;
      this.options.logger.warn('Fargate consumer task reported an error', { service: this.options.name, ...event });
    }
  }
}

function parsePollerEvent(line: string): PollerEvent | undefined {
  if (!line.startsWith('{"poller":')) return undefined;
  try {
    return JSON.parse(line) as PollerEvent;
  } catch {
    return undefined;
  }
}
