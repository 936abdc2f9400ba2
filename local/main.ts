import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { localCell } from '../cells/cells.config.ts';
import { ANALYTICS_STORES, type AnalyticsStore } from '../schemas/analyticsRecord.ts';
import { cellPorts, DEFAULT_BASE_PORT } from './cell/cellPorts.ts';
import { LocalCellError } from './cell/errors.ts';
import { FAST_DIVISOR, FAULT_MODES, type FaultRule, parseFaultFlag } from './cell/faults/index.ts';
import { type RunningLocalCell, startLocalCell } from './cell/LocalCell.ts';

/**
 * `npm start`: runs the local cell until SIGINT/SIGTERM. See `--help`. Prints one error line and
 * exits 1 when the cell cannot start (port taken, data directory unusable, bad flag).
 */

const DEFAULTS = { port: DEFAULT_BASE_PORT, dataDir: '.data/local' } as const;
const DEFAULT_PORTS = cellPorts(DEFAULTS.port);
/** A second signal within this window is the same Ctrl-C delivered twice, not a request to force. */
const FORCE_AFTER_MS = 2_000;

const HELP = `Usage: npm start -- [options]

Runs a whole BEMS cell on this machine: API, EventBridge, SNS/SQS, Lambda pollers, and the
analytics store: Timestream, or Firehose into an Iceberg table (lakehouse).

Options:
  --port <base>       moves every port: the API (and dashboard) on <base>, the AWS
                      gateway on <base>+1 (0 = any free ports)     default ${DEFAULTS.port}
                        API + dashboard  http://127.0.0.1:${DEFAULT_PORTS.api}
                        AWS gateway      http://127.0.0.1:${DEFAULT_PORTS.gateway}  (AWS_ENDPOINT_URL: every
                        emulated service; bems fault talks to it)
  --data-dir <path>   where all state lives; a restart continues   default $BEMS_DATA_DIR, else ${DEFAULTS.dataDir}
  --analytics <store> analytics store: ${ANALYTICS_STORES.join(' | ')}       default ${localCell().analytics.store} (the local cell's)
  --fault <rule>      make a handler fail for matching invoices (repeatable):
                        handler:pattern[:stage[:mode]]
                        handler = ingest | forward | consume, pattern = RegExp on invoiceId,
                        mode = ${FAULT_MODES.join(' | ')} (default ${FAULT_MODES[0]})
                        e.g. --fault 'consume:^INV-13:posting'
  --fast              retry timings / ${FAST_DIVISOR} (visibility timeouts, so redeliveries and the
                      way to a DLQ): a poison message reaches its DLQ in ~15 s
                      (change faults at run time: npm run bems -- fault add|list|clear)
  --no-batching       batch size 1 everywhere (to measure what batching saves)
  --transport <t>     how the handlers and pollers reach the emulators: port (a MessagePort,
                      no socket) | http (loopback HTTP, to compare)   default port
  --quiet             log errors only
  --help              this text
`;

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      analytics: { type: 'string' },
      fault: { type: 'string', multiple: true },
      fast: { type: 'boolean' },
      'no-batching': { type: 'boolean' },
      transport: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = values.port === undefined ? DEFAULTS.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_534)
    throw new LocalCellError(
      `--port must be an integer from 0 to 65534 (the gateway takes the next), got "${values.port}"`,
    );
  const faults: FaultRule[] = (values.fault ?? []).map(parseFaultFlag);
  const transport = values.transport ?? 'port';
  if (transport !== 'port' && transport !== 'http')
    throw new LocalCellError(`--transport must be port or http, got "${transport}"`);
  const chosen: 'port' | 'http' = transport;
  const analytics = values.analytics;
  if (analytics !== undefined && !(ANALYTICS_STORES as readonly string[]).includes(analytics))
    throw new LocalCellError(`--analytics must be one of ${ANALYTICS_STORES.join(', ')}, got "${analytics}"`);
  return {
    help: values.help ?? false,
    port,
    // The same default as `bems` (ops/target/resolveTarget.ts): --data-dir, else BEMS_DATA_DIR.
    dataDir: values['data-dir'] ?? (process.env.BEMS_DATA_DIR || DEFAULTS.dataDir),
    ...(analytics === undefined ? {} : { analyticsStore: analytics as AnalyticsStore }),
    faults,
    fast: values.fast ?? false,
    batching: !values['no-batching'],
    transport: chosen,
    quiet: values.quiet ?? false,
  };
}

function banner(cell: RunningLocalCell, faults: readonly FaultRule[], fast: boolean): string {
  const today = new Date().toISOString().slice(0, 10);
  const example = {
    eventId: randomUUID(),
    invoiceId: 'INV-DEMO-0001',
    status: 'received',
    occurredAt: new Date().toISOString(),
    invoiceDate: today,
    amount: '1250.00',
    currency: 'EUR',
    vendor: { vendorId: 'V-1001', name: 'Acme GmbH', country: 'DE' },
    paymentTerms: { netDays: 30 },
    metadata: { sourceSystem: 'curl' },
  };
  const faultLines = faults.map(
    (f) =>
      `  fault     ${f.handler} ${f.invoiceIdPattern}${f.stage ? ` (stage ${f.stage})` : ''} → ${f.mode ?? 'error'}`,
  );
  return [
    `BEMS local cell "${cell.cell.id}" is running`,
    `  API       ${cell.apiUrl}`,
    `  API key   ${cell.apiKey}`,
    `  dashboard ${cell.apiUrl}/dashboard`,
    `  data dir  ${cell.dataDir}`,
    `  analytics ${storeLine(cell)}`,
    `  AWS       ${cell.gateway.url}  (every emulated service: EventBridge, SQS, SNS, Timestream, Firehose, DynamoDB)`,
    ...faultLines,
    ...(fast ? [`  retries   fast: visibility timeouts / ${FAST_DIVISOR}`] : []),
    '',
    'Point AWS SDKs and CLIs at the cell (kept in <data dir>/cell.json; AWS CLI: --endpoint-url ' +
      `${cell.gateway.url}):`,
    ...Object.entries(cell.gateway.environment).map(([name, value]) => `  export ${name}=${value}`),
    '',
    'Send an event, then read the invoice timeline (visible within seconds):',
    `  curl -sS -X POST ${cell.apiUrl}/invoices/ingestion \\`,
    `    -H 'content-type: application/json' -H 'x-api-key: ${cell.apiKey}' \\`,
    `    -d '${JSON.stringify(example)}'`,
    `  curl -sS ${cell.apiUrl}/invoices/INV-DEMO-0001 -H 'x-api-key: ${cell.apiKey}'`,
    `  curl -sS ${cell.apiUrl}/health`,
    '',
    `Operator CLI against this cell: npx bems status --data-dir ${cell.dataDir}`,
    `Faults at run time: npx bems fault add consume:^INV-13 --data-dir ${cell.dataDir}`,
    'Ctrl-C stops accepting requests, lets in-flight batches finish and keeps the data directory.',
    '',
  ].join('\n');
}

/** Which analytics store runs, and where its records go. */
function storeLine(cell: RunningLocalCell): string {
  const { topology } = cell;
  return topology.analyticsStore === 'lakehouse'
    ? `lakehouse: Firehose stream ${topology.analyticsStream} → Iceberg table (emulated, ${cell.store.path})`
    : `timestream: table ${topology.timestreamDatabase}.${topology.timestreamTable} (emulated, ${cell.store.path})`;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(HELP);
    return;
  }
  const cell = await startLocalCell({
    port: flags.port,
    dataDir: flags.dataDir,
    ...(flags.analyticsStore ? { analyticsStore: flags.analyticsStore } : {}),
    faults: flags.faults,
    fast: flags.fast,
    batching: flags.batching,
    transport: flags.transport,
    quiet: flags.quiet,
  });
  process.stdout.write(banner(cell, flags.faults, flags.fast));
  let stoppingSince: number | undefined;
  const shutdown = (signal: string) => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C reaches this process more than once: from the terminal (process group) and
      // relayed by the npm and tsx wrappers. Only a later, deliberate one means "do not wait".
      if (Date.now() - stoppingSince < FORCE_AFTER_MS) return;
      process.stderr.write(`${signal} again: exiting without waiting\n`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    process.stdout.write(`${signal}: stopping (in-flight batches finish first; ${signal} again to exit at once)…\n`);
    cell.stop().then(
      () => {
        process.stdout.write('stopped\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // One line: a start-up error says what is wrong and what to do; the stack helps nobody here.
  process.stderr.write(`error: ${message.split('\n').join(' ')}\n`);
  process.exit(1);
});
