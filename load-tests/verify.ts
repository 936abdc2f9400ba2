/**
 * Completeness verifier: every eventId that got an HTTP 202 must be recorded exactly once.
 *
 *   npx tsx load-tests/verify.ts --accepted load-tests/out/accepted.jsonl --data-dir .data/local
 *   npx tsx load-tests/verify.ts --accepted load-tests/out/accepted.jsonl --url "$BEMS_URL" --api-key "$BEMS_API_KEY"
 *
 * Reads the local cell's Timestream store (`--data-dir`) or any cell's `GET /invoices/{id}`
 * (`--url`, `--api-key`, defaults from BEMS_URL/BEMS_API_KEY), waits up to `--deadline-s` (120)
 * for stragglers, and prints loss, duplicates and visibility latency (received → recorded)
 * p50/p95/p99/max. Exit code: 0 complete, 1 loss or duplicates, 2 bad usage.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { TIMESTREAM_STORE_FILE, TimestreamStore } from '../local/timestream/index.ts';
import { booleanOptions, stringOptions } from '../ops/optionTable.ts';
import { readAcceptedLog } from './acceptedLog.ts';
import { httpRecordSource, type RecordSource, storeRecordSource } from './recordSources.ts';
import { type CompletenessReport, verifyCompleteness } from './verifyCompleteness.ts';

const USAGE = `Usage: tsx load-tests/verify.ts --accepted FILE (--data-dir DIR | --url URL --api-key KEY) [--deadline-s N] [--json]`;

export function formatReport(report: CompletenessReport): string {
  const v = report.visibilityMs;
  const ms = (n: number) => (Number.isNaN(n) ? 'n/a' : `${Math.round(n)} ms`);
  return [
    `accepted (202):  ${report.accepted}`,
    `recorded:        ${report.recorded}`,
    `lost:            ${report.missing.length}${report.missing.length ? ` (e.g. ${report.missing.slice(0, 3).join(', ')})` : ''}`,
    `duplicates:      ${report.duplicates.length}${report.duplicates.length ? ` (e.g. ${report.duplicates[0]!.eventId} ×${report.duplicates[0]!.records})` : ''}`,
    `visibility:      p50 ${ms(v.p50)}, p95 ${ms(v.p95)}, p99 ${ms(v.p99)}, max ${ms(v.max)} (received → recorded, ${v.count} events)`,
    `waited:          ${(report.waitedMs / 1000).toFixed(1)} s for the last event`,
    report.complete ? 'COMPLETE: every accepted event recorded exactly once' : 'INCOMPLETE',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...stringOptions('accepted', 'data-dir', 'url', 'api-key'),
      'deadline-s': { type: 'string', default: '120' },
      ...booleanOptions('json', 'help'),
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const url = values.url ?? (values['data-dir'] ? undefined : process.env.BEMS_URL);
  const apiKey = values['api-key'] ?? process.env.BEMS_API_KEY;
  const deadlineS = Number(values['deadline-s']);
  if (!values.accepted || (!values['data-dir'] && !url) || !(deadlineS >= 0)) {
    console.error(USAGE);
    return 2;
  }
  if (!existsSync(values.accepted)) {
    console.error(`verify: no accepted-events log at ${values.accepted}`);
    return 2;
  }
  const log = readAcceptedLog(values.accepted);
  if (log.malformedLines)
    console.error(`verify: skipped ${log.malformedLines} malformed line(s) in ${values.accepted}`);
  if (log.repeatedEventIds.length) {
    console.error(`verify: ${log.repeatedEventIds.length} eventId(s) were accepted more than once (client resends)`);
  }

  let source: RecordSource;
  let store: TimestreamStore | undefined;
  if (values['data-dir']) {
    if (!existsSync(join(values['data-dir'], TIMESTREAM_STORE_FILE))) {
      console.error(`verify: no ${TIMESTREAM_STORE_FILE} in ${values['data-dir']}; is that the cell's data directory?`);
      return 2;
    }
    store = new TimestreamStore({ dataDir: values['data-dir'] });
    source = storeRecordSource(store);
  } else {
    if (!apiKey) {
      console.error('verify: --api-key (or BEMS_API_KEY) is required with --url');
      return 2;
    }
    source = httpRecordSource({ url: url!, apiKey });
  }
  try {
    console.error(`verify: ${log.events.length} accepted events; looking them up in ${source.description}`);
    let lastPrint = 0;
    const report = await verifyCompleteness({
      accepted: log.events,
      source,
      deadlineMs: deadlineS * 1000,
      onProgress: ({ recorded, missing, elapsedMs }) => {
        if (elapsedMs - lastPrint < 5000 && missing > 0) return;
        lastPrint = elapsedMs;
        console.error(`verify: ${recorded} recorded, ${missing} not yet (${(elapsedMs / 1000).toFixed(0)} s)`);
      },
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.complete ? 0 : 1;
  } finally {
    await source.close();
    store?.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`verify: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
}
