import { formatNumber } from '../formatTable.ts';
import { type CheckResult, pass, problem, skip } from './checkResult.ts';
import type { PreflightContext } from './context.ts';

/**
 * Direct PUT throughput of one Firehose stream (PutRecord + PutRecordBatch together), as documented
 * in https://docs.aws.amazon.com/firehose/latest/dev/limits.html. Service Quotas does not expose it
 * (increases go through the Firehose Limits form), so preflight compares with these defaults and
 * only warns: it cannot see an increase AWS has granted.
 */
export const FIREHOSE_DIRECT_PUT_DEFAULTS = {
  large: { recordsPerSecond: 500_000, requestsPerSecond: 2_000, bytesPerSecond: 5 * 1024 * 1024 },
  other: { recordsPerSecond: 100_000, requestsPerSecond: 1_000, bytesPerSecond: 1024 * 1024 },
} as const;
const LARGE_REGIONS = new Set(['us-east-1', 'us-west-2', 'eu-west-1']);

const ID = 'quota.firehose-throughput';
const TITLE = 'Firehose Direct PUT throughput per stream';

export function checkFirehoseThroughput(ctx: PreflightContext): CheckResult {
  if (ctx.cell.analytics.store !== 'lakehouse') return skip(ID, TITLE, 'the cell writes to Timestream, not Firehose');
  const limit = FIREHOSE_DIRECT_PUT_DEFAULTS[LARGE_REGIONS.has(ctx.region) ? 'large' : 'other'];
  const {
    firehoseRecordsPerSecond: records,
    firehoseRequestsPerSecond: requests,
    firehoseBytesPerSecond: bytes,
  } = ctx.needs;
  const mib = (n: number) => `${formatNumber(n / (1024 * 1024), 1)} MiB/s`;
  const detail =
    `peak needs ${formatNumber(records, 0)} records/s, ${formatNumber(requests, 0)} requests/s, ${mib(bytes)}; ` +
    `documented default in ${ctx.region}: ${formatNumber(limit.recordsPerSecond, 0)} records/s, ` +
    `${formatNumber(limit.requestsPerSecond, 0)} requests/s, ${mib(limit.bytesPerSecond)}`;
  const short = [
    records > limit.recordsPerSecond ? 'records/s' : '',
    requests > limit.requestsPerSecond ? 'requests/s' : '',
    bytes > limit.bytesPerSecond ? 'MiB/s' : '',
  ].filter(Boolean);
  const numbers = { required: records, available: limit.recordsPerSecond };
  if (short.length === 0) return pass(ID, TITLE, detail, numbers);
  return problem(
    'warn',
    ID,
    TITLE,
    `${detail} (short on ${short.join(', ')})`,
    {
      meaning:
        'at peak Firehose throttles the consumers: they retry and report batch failures, so records reach the table late',
      fix: 'ask for a higher Direct PUT limit with the Amazon Data Firehose Limits form (the three limits scale together); preflight cannot read the granted value',
    },
    numbers,
  );
}
