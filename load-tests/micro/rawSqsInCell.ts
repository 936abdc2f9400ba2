/**
 * Experiment: how much CPU per event would the local cell save if its own SQS calls (pollers'
 * ReceiveMessage/DeleteMessageBatch, the EventBridge outbox's SendMessageBatch) skipped the AWS
 * SDK? Patches `SQSClient.prototype.send` in this process for those commands only — the handlers
 * do not use SQS — with a minimal JSON-protocol request, then runs load-tests/profile.ts.
 * Compare `cell CPU … ms per event` with a plain `profile.ts` run on the same machine.
 *
 *   npx tsx load-tests/micro/rawSqsInCell.ts --events 3000
 */
import { Agent, request } from 'node:http';
import { SQSClient } from '@aws-sdk/client-sqs';

const RAW_COMMANDS = new Set([
  'ReceiveMessageCommand',
  'DeleteMessageBatchCommand',
  'SendMessageBatchCommand',
  'ChangeMessageVisibilityBatchCommand',
]);
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
const sdkSend = SQSClient.prototype.send;

async function rawSend(client: SQSClient, action: string, input: unknown): Promise<unknown> {
  const endpoint = await (client.config.endpoint as () => Promise<{ hostname: string; port?: number }>)();
  const payload = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: endpoint.hostname,
        port: endpoint.port,
        path: '/',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `AmazonSQS.${action}`,
          // Unsigned, but with a credential scope so the cell's request counter still sees "sqs".
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-1/sqs/aws4_request',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const output = text ? (JSON.parse(text) as { __type?: string; message?: string }) : {};
          if ((res.statusCode ?? 500) < 400) return resolve(output);
          const error = Object.assign(new Error(output.message ?? `HTTP ${res.statusCode}`), {
            name: (output.__type ?? 'ServiceError').split('#').pop(),
            $metadata: { httpStatusCode: res.statusCode },
          });
          reject(error);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

Object.defineProperty(SQSClient.prototype, 'send', {
  value(this: SQSClient, command: { constructor: { name: string }; input: unknown }, ...rest: unknown[]) {
    const name = command.constructor.name;
    if (!RAW_COMMANDS.has(name)) return (sdkSend as (...args: unknown[]) => unknown).call(this, command, ...rest);
    return rawSend(this, name.replace(/Command$/, ''), command.input);
  },
});

await import('../profile.ts');
