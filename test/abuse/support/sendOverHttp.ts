import { type Agent, request } from 'node:http';
import type { FuzzCase } from './fuzzCases.ts';

/** One request over a real socket; `status` 0 when no answer came (reset, timeout). */
export function sendOverHttp(
  baseUrl: string,
  fuzzCase: FuzzCase,
  agent: Agent,
  timeoutMs = 10_000,
): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const url = new URL(baseUrl);
    const body = fuzzCase.body === undefined ? undefined : Buffer.from(fuzzCase.body);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: fuzzCase.method,
        path: fuzzCase.path,
        headers: { ...fuzzCase.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        agent,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
    req.end(body);
  });
}
