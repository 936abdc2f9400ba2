import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { CellDefinition } from '../../../cells/definition.ts';
import { monitorTopologyOf } from '../../../cells/monitorTopology.ts';
import { cellTopology } from '../../../cells/topology.ts';
import { type DlqRoute, dlqRoutes } from '../../../handlers/shared/dlq/DlqRoute.ts';
import { localClientConfig } from '../../../local/sns-sqs/awsClientDefaults.ts';
import type { CellHealthBody, CellProbe } from './CellProbe.ts';
import { queueUrlPrefix } from './CellProbe.ts';
import type { CellProcessReady } from './cellProcessMain.ts';
import { readArchivedEventIds } from './cellRecords.ts';

const MAIN = fileURLToPath(new URL('./cellProcessMain.ts', import.meta.url));
const START_TIMEOUT_MS = 30_000;

/**
 * A local cell in a child process on a fixed data directory: started, killed with SIGKILL and
 * started again on the same directory, as an operator's `kill -9` and restart would. It is also
 * the scenario's probe: health over HTTP, SQS at whatever port the current run listens on.
 */
export class CellProcess implements CellProbe {
  private child: ChildProcess | undefined;
  private current: CellProcessReady | undefined;
  private client: SQSClient | undefined;
  private stderrTail = '';
  readonly topology;

  private constructor(
    readonly dataDir: string,
    private readonly definition: CellDefinition,
  ) {
    this.topology = cellTopology(definition);
  }

  static async start(dataDir: string, definition: CellDefinition): Promise<CellProcess> {
    const process = new CellProcess(dataDir, definition);
    await process.launch();
    return process;
  }

  /** The running cell's addresses; they change at every start. */
  get ready(): CellProcessReady {
    if (!this.current) throw new Error('the cell process is not running');
    return this.current;
  }

  /** The API URL of the current run, or of the last one while it is down (connections are refused). */
  get apiUrl(): string {
    return this.current?.apiUrl ?? 'http://127.0.0.1:9';
  }

  /** kill -9: no stop hooks, no flushing, no goodbye. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.current = undefined;
    this.resetClient();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async restart(): Promise<void> {
    await this.launch();
  }

  /** Graceful stop (SIGTERM). */
  async stop(): Promise<void> {
    const child = this.child;
    this.current = undefined;
    this.resetClient();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  async health(): Promise<CellHealthBody> {
    const response = await fetch(`${this.ready.apiUrl}/health`, { signal: AbortSignal.timeout(10_000) });
    return (await response.json()) as CellHealthBody;
  }

  routes(): readonly DlqRoute[] {
    const first = this.ready.queues[0]!;
    return dlqRoutes(monitorTopologyOf(this.topology, queueUrlPrefix(first.url, first.name)));
  }

  sqs(): SQSClient {
    this.client ??= new SQSClient(localClientConfig(this.ready.sqsEndpoint, this.definition.region));
    return this.client;
  }

  async stopAndReadArchive(): Promise<string[]> {
    await this.stop();
    return readArchivedEventIds(this.dataDir);
  }

  private resetClient(): void {
    this.client?.destroy();
    this.client = undefined;
  }

  private async launch(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, this.dataDir, JSON.stringify(this.definition)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4_000);
    });
    this.current = await new Promise<CellProcessReady>((resolve, reject) => {
      let buffer = '';
      const timer = setTimeout(
        () => fail(new Error(`the cell process did not start in ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}; stderr: ${this.stderrTail}`));
      };
      child.once('exit', (code, signal) =>
        fail(new Error(`the cell process exited (${code ?? signal}) before it was ready`)),
      );
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const newline = buffer.indexOf('\n');
        if (newline < 0) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(JSON.parse(buffer.slice(0, newline)) as CellProcessReady);
      });
    });
  }
}
