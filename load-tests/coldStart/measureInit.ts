import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * Init of one bundle in a fresh Node process: the child reads `performance.now()` — milliseconds
 * since its own process started — once before `import(bundle)` and once the `handler` export has
 * been resolved. `initMs` (the figure compared) is the second: Node's start plus the module's load
 * and evaluation, which is what a Lambda cold start adds before the first invoke; `importMs` is the
 * module's share alone.
 */
export interface InitSample {
  readonly initMs: number;
  readonly importMs: number;
}

/** What a Lambda environment has at init (no credentials: nothing is called while importing). */
export function lambdaLikeEnvironment(functionName: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    NODE_OPTIONS: '',
  };
}

const PROBE = `
const before = performance.now();
const module = await import(process.env.COLD_START_BUNDLE);
if (typeof module.handler !== 'function') throw new Error('no handler export');
const after = performance.now();
process.stdout.write('\\n' + JSON.stringify({ initMs: after, importMs: after - before }) + '\\n');
`;

export function measureInit(
  bundle: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<InitSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', PROBE], {
      env: { ...env, COLD_START_BUNDLE: pathToFileURL(bundle).href },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`loading ${bundle} exited with ${code}: ${err.slice(-800)}`));
      // The last line: whatever a preloaded module (ADOT) printed comes before it.
      const line = out.trim().split('\n').at(-1) ?? '';
      resolve(JSON.parse(line) as InitSample);
    });
  });
}
