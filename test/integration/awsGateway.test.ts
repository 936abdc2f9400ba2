import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocalCell, startLocalCell } from '../../local/cell/index.ts';
import { LOCAL_CREDENTIALS } from '../../local/sns-sqs/index.ts';

/**
 * The local cell as a user of AWS's own tools meets it: the AWS SDK for JavaScript v3 and boto3
 * with nothing but AWS_ENDPOINT_URL (and Region and dummy credentials) in their environment, the
 * AWS CLI v1 and Debian's AWS CLI v2 (which speaks SQS's query protocol) with one --endpoint-url.
 * Each lists the buses and the queues, receives from a queue URL it was given, asks Timestream
 * for its endpoint and writes a record through it — before and after a restart of the cell on the
 * same ports and data directory, where the queue URLs must not change.
 */

const run = promisify(execFile);
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'awsGateway');
/** Debian's packaged AWS CLI v2 (`apt-get install awscli`; .ci/run installs it). */
const DEBIAN_CLI_V2 = '/usr/bin/aws';
/** A standard queue nothing in the cell polls, so a message waits there for the clients. */
const PROBE_QUEUE = 'bems-local-posting-inbox-dlq';
const PROBE_TABLE = 'gateway_probe';
const MARKER = `gateway probe <&> ${Date.now()}`;

interface ProbeResult {
  readonly buses: string[];
  readonly queueUrls: string[];
  readonly received: string[];
  readonly timestreamAddress: string;
  readonly ingested: number;
}

let dataDir: string;
let basePort: number;
let cell: RunningLocalCell;

/** A port whose next port is free too (the API takes the base, the gateway the next). */
async function freePortPair(): Promise<number> {
  const bind = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const bound = (server.address() as { port: number }).port;
        server.close(() => resolve(bound));
      });
    });
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await bind(0);
    if (base !== undefined && base < 65_535 && (await bind(base + 1)) !== undefined) return base;
  }
  throw new Error('no two consecutive free ports');
}

/** A clean environment: no AWS settings of this machine, no pager, no instance metadata lookups. */
function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('BEMS_')),
  );
  return {
    ...keep,
    AWS_CONFIG_FILE: join(dataDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...extra,
  };
}

async function startCell(): Promise<RunningLocalCell> {
  return startLocalCell({ port: basePort, dataDir, quiet: true, monitorIntervalMs: 0 });
}

/** One SDK probe (a script of the fixtures) with only the cell's exported environment. */
async function sdkProbe(command: string, script: string): Promise<ProbeResult> {
  const { stdout } = await run(command, [join(FIXTURES, script), PROBE_QUEUE, database(), PROBE_TABLE], {
    env: cleanEnvironment({ ...cell.gateway.environment }),
    timeout: 60_000,
  });
  return JSON.parse(stdout) as ProbeResult;
}

/** The same steps with an AWS CLI, given nothing but `--endpoint-url` (and Region and credentials). */
async function cliProbe(cli: readonly string[]): Promise<ProbeResult> {
  const { AWS_ENDPOINT_URL: endpoint, ...rest } = cell.gateway.environment;
  const env = cleanEnvironment(rest);
  const aws = async (endpointUrl: string, ...args: string[]) => {
    const [command, ...prefix] = cli;
    const { stdout } = await run(command!, [...prefix, '--endpoint-url', endpointUrl, '--output', 'json', ...args], {
      env,
      timeout: 60_000,
    });
    return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
  };
  const buses = (await aws(endpoint!, 'events', 'list-event-buses')).EventBuses as { Name: string }[];
  const queueUrls = (await aws(endpoint!, 'sqs', 'list-queues')).QueueUrls as string[];
  const queueUrl = queueUrls.find((url) => url.endsWith(`/${PROBE_QUEUE}`))!;
  const receiveFlags = ['--max-number-of-messages', '10', '--visibility-timeout', '0', '--wait-time-seconds', '1'];
  const { Messages = [] } = (await aws(
    endpoint!,
    'sqs',
    'receive-message',
    '--queue-url',
    queueUrl,
    ...receiveFlags,
  )) as {
    Messages?: { Body: string }[];
  };
  const endpoints = (await aws(endpoint!, 'timestream-write', 'describe-endpoints')).Endpoints as { Address: string }[];
  const address = endpoints[0]!.Address;
  const record = { Dimensions: [{ Name: 'client', Value: cli.join(' ') }], MeasureName: 'probe', MeasureValue: '1' };
  const written = await aws(
    address.startsWith('http') ? address : `https://${address}`,
    'timestream-write',
    'write-records',
    ...['--database-name', database(), '--table-name', PROBE_TABLE],
    ...['--records', JSON.stringify([{ ...record, MeasureValueType: 'BIGINT', Time: String(Date.now()) }])],
  );
  return {
    buses: buses.map((bus) => bus.Name),
    queueUrls,
    received: Messages.map((message) => message.Body),
    timestreamAddress: address,
    ingested: (written.RecordsIngested as { Total: number }).Total,
  };
}

function database(): string {
  return cell.topology.timestreamDatabase;
}

/** Debian's CLI v2 must be there: a missing client is a failed test, not a skipped one. */
async function debianCliV2(): Promise<string[]> {
  if (!existsSync(DEBIAN_CLI_V2))
    throw new Error(`Debian's AWS CLI v2 is missing (${DEBIAN_CLI_V2}): apt-get install -y awscli (.ci/run does)`);
  const { stdout } = await run(DEBIAN_CLI_V2, ['--version']);
  if (!stdout.startsWith('aws-cli/2.'))
    throw new Error(`${DEBIAN_CLI_V2} is not the AWS CLI v2 but ${stdout.trim()}: apt-get install -y awscli`);
  return [DEBIAN_CLI_V2];
}

/** The AWS CLI v1 (pip's awscli, in the python3 of pyenv), as a module so PATH order does not matter. */
async function cliV1(): Promise<string[]> {
  const { stdout, stderr } = await run('python3', ['-m', 'awscli', '--version']).catch((error: Error) => {
    throw new Error(`the AWS CLI v1 is missing (python3 -m awscli): pip install awscli (${error.message})`);
  });
  expect(`${stdout}${stderr}`).toMatch(/^aws-cli\/1\./);
  return ['python3', '-m', 'awscli'];
}

function expectProbe(result: ProbeResult, client: string): void {
  const gateway = cell.gateway.url;
  expect(result.buses, client).toContain(cell.topology.busName);
  expect(result.queueUrls, client).toContain(`${gateway}/${cell.cell.account}/${PROBE_QUEUE}`);
  expect(
    result.queueUrls.every((url) => url.startsWith(`${gateway}/`)),
    client,
  ).toBe(true);
  expect(result.received, client).toContain(MARKER);
  expect(result.timestreamAddress, client).toMatch(/^(http:\/\/127\.0\.0\.1:\d+|127\.0\.0\.1)$/);
  expect(result.ingested, client).toBe(1);
}

async function probeEveryClient(): Promise<Record<string, ProbeResult>> {
  const python = 'python3';
  const clis = { v1: await cliV1(), v2: await debianCliV2() };
  return {
    'aws-sdk-js': await sdkProbe(process.execPath, 'jsSdkProbe.mjs'),
    boto3: await sdkProbe(python, 'boto3Probe.py'),
    'aws-cli v1': await cliProbe(clis.v1),
    'aws-cli v2 (Debian)': await cliProbe(clis.v2),
  };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bems-gateway-'));
  basePort = await freePortPair();
  cell = await startCell();
  // Prepare (through the gateway, as a user would): a table to write to and a message to receive.
  const config = { endpoint: cell.gateway.url, region: cell.cell.region, credentials: LOCAL_CREDENTIALS };
  const timestream = new TimestreamWriteClient(config);
  await timestream.send(new CreateTableCommand({ DatabaseName: database(), TableName: PROBE_TABLE }));
  timestream.destroy();
  const sqs = new SQSClient(config);
  const queueUrl = `${cell.gateway.url}/${cell.cell.account}/${PROBE_QUEUE}`;
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: MARKER }));
  sqs.destroy();
}, 120_000);

afterAll(async () => {
  await cell?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the local cell’s AWS gateway', () => {
  it('listens on the port after the API’s, and cell.json keeps the endpoint and the export lines', async () => {
    // Assess
    expect(cell.apiUrl).toBe(`http://127.0.0.1:${basePort}`);
    expect(cell.gateway.url).toBe(`http://127.0.0.1:${basePort + 1}`);
    expect(cell.gateway.environment).toMatchObject({
      AWS_ENDPOINT_URL: cell.gateway.url,
      AWS_REGION: cell.cell.region,
      AWS_ACCESS_KEY_ID: expect.any(String),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
    });
    const { readCellManifest } = await import('../../local/cell/cellManifest.ts');
    expect(readCellManifest(dataDir).gateway).toEqual({
      url: cell.gateway.url,
      adminUrl: `${cell.gateway.url}/_bems`,
      environment: cell.gateway.environment,
    });
  });

  it('serves the JS SDK and boto3 with only AWS_ENDPOINT_URL, and both AWS CLIs with one --endpoint-url, before and after a restart', async () => {
    // Act
    const before = await probeEveryClient();
    await cell.stop();
    cell = await startCell();
    const after = await probeEveryClient();

    // Assess: every client did every step, both times, and the queue URLs did not change
    for (const [client, result] of Object.entries(before)) expectProbe(result, `${client}, before the restart`);
    for (const [client, result] of Object.entries(after)) expectProbe(result, `${client}, after the restart`);
    expect(after.boto3!.queueUrls).toEqual(before.boto3!.queueUrls);
    // botocore replaces the whole endpoint with the advertised address; the JS SDK only its host name.
    expect(before.boto3!.timestreamAddress).toBe(cell.gateway.url);
    expect(before['aws-sdk-js']!.timestreamAddress).toBe('127.0.0.1');
  }, 300_000);
});
