import { formatNumber } from '../formatTable.ts';
import { cellNeeds, LAMBDA_MIN_UNRESERVED } from './cellNeeds.ts';
import { type CheckResult, pass, problem } from './checkResult.ts';
import type { PreflightContext } from './context.ts';
import { type QuotaReading, type QuotaSource, readQuota } from './serviceQuota.ts';

/**
 * The account quotas a cell leans on, read from Service Quotas and compared with what the cell
 * needs (cellNeeds.ts). Account-wide quotas are compared with the sum over every cell of the
 * config in the same account and Region, since those cells share them.
 */

/** Quota codes (Service Quotas console → the service → the quota). */
export const QUOTA_CODES = {
  /** API Gateway "Throttle rate": requests/s per account and Region, all APIs together. */
  apiGatewayThrottleRate: { serviceCode: 'apigateway', quotaCode: 'L-8A5B8E43' },
  /** Lambda "Concurrent executions" per Region. */
  lambdaConcurrentExecutions: { serviceCode: 'lambda', quotaCode: 'L-B99A9384' },
  /** EventBridge "PutEvents throttle limit in transactions per second". */
  eventBridgePutEvents: { serviceCode: 'events', quotaCode: 'L-9B653E91' },
  /**
   * SNS publish throughput of a FIFO topic: its Service Quotas code is not stable across Regions,
   * so it is found by name; the documented default is 3,000 messages/s per topic (topic-scope
   * deduplication, FifoThroughputScope=Topic).
   */
  snsFifoPublish: {
    serviceCode: 'sns',
    quotaName: /fifo.*(publish|throughput|messages per second)|(publish|throughput).*fifo/i,
    documentedDefault: 3000,
  },
} as const satisfies Record<string, QuotaSource>;

interface QuotaCheck {
  readonly id: string;
  readonly title: string;
  readonly source: QuotaSource;
  readonly required: number;
  readonly unit: string;
  /** How the need was derived, for the detail column. */
  readonly basis: string;
  readonly meaning: string;
  readonly increase: string;
}

export async function checkQuotas(ctx: PreflightContext): Promise<CheckResult[]> {
  const needs = ctx.sharing.map(cellNeeds);
  const cells = ctx.sharing.map((cell) => cell.id).join(', ');
  const shared = ctx.sharing.length > 1 ? ` (cells ${cells} share ${ctx.cell.account}/${ctx.region})` : '';
  const sum = (pick: (n: (typeof needs)[number]) => number) => needs.reduce((total, n) => total + pick(n), 0);
  const lambdaUsed = sum((n) => n.eventSourceConcurrency + n.ingestConcurrency + n.reservedConcurrency);
  const lambdaNeed = Math.max(lambdaUsed, sum((n) => n.reservedConcurrency) + LAMBDA_MIN_UNRESERVED);
  const self = needs[0]!;
  const checks: QuotaCheck[] = [
    {
      id: 'quota.api-rate',
      title: 'API Gateway account throttle rate',
      source: QUOTA_CODES.apiGatewayThrottleRate,
      required: sum((n) => n.apiRateLimit),
      unit: 'requests/s',
      basis: `Σ api.rateLimit${shared}`,
      meaning:
        'API Gateway throttles the whole account below the rate the cell accepts: clients get 429s before the cell limit',
      increase:
        'request an increase of API Gateway "Throttle rate" (L-8A5B8E43) in Service Quotas, or lower api.rateLimit',
    },
    {
      id: 'quota.lambda-concurrency',
      title: 'Lambda concurrent executions',
      source: QUOTA_CODES.lambdaConcurrentExecutions,
      required: lambdaNeed,
      unit: 'executions',
      basis:
        `event sources ${sum((n) => n.eventSourceConcurrency)} + ingest ${sum((n) => n.ingestConcurrency)} + reserved ${sum((n) => n.reservedConcurrency)}` +
        `, at least reserved + ${LAMBDA_MIN_UNRESERVED} unreserved${shared}`,
      meaning:
        'the deploy fails when a reservation leaves less than 100 unreserved, and under load queues back up and ingest is throttled',
      increase:
        'request an increase of Lambda "Concurrent executions" (L-B99A9384) in Service Quotas (new accounts start at 10)',
    },
    {
      id: 'quota.eventbridge-putevents',
      title: 'EventBridge PutEvents throughput',
      source: QUOTA_CODES.eventBridgePutEvents,
      required: sum((n) => n.putEventsPerSecond),
      unit: 'events/s',
      basis: `peak ${formatNumber(self.peakEventsPerSecond, 0)} events/s per cell${shared}`,
      meaning: 'ingest is throttled by EventBridge at peak: the API answers 5xx and clients must retry',
      increase: 'request an increase of EventBridge "PutEvents throttle limit in transactions per second" (L-9B653E91)',
    },
    {
      id: 'quota.sns-fifo-publish',
      title: 'SNS FIFO publish throughput per topic',
      source: QUOTA_CODES.snsFifoPublish,
      required: self.snsFifoPublishesPerSecond,
      unit: 'messages/s',
      basis: 'peak events/s, all in one stage topic at worst',
      meaning: 'the forwarder is throttled at peak: inboxes back up and events reach the store later than 2 minutes',
      increase:
        'request an increase of the SNS FIFO publish quota in Service Quotas, or enable high-throughput mode (FifoThroughputScope=MessageGroup)',
    },
  ];
  const results: CheckResult[] = [];
  let apiRate: QuotaReading | undefined;
  for (const check of checks) {
    const reading = await readQuota(ctx, check.source);
    if (check.id === 'quota.api-rate') apiRate = reading;
    results.push(judge(check, reading));
  }
  results.push(
    judgeApiBurst(
      ctx,
      apiRate!,
      sum((n) => n.apiBurstLimit),
      shared,
    ),
  );
  return results;
}

function judge(check: QuotaCheck, reading: QuotaReading): CheckResult {
  const need = `${check.basis}: needs ${formatNumber(check.required, 0)} ${check.unit}`;
  if (!reading.ok)
    return problem(
      'warn',
      check.id,
      check.title,
      `${need}; quota not readable (${reading.reason})`,
      {
        meaning: `preflight could not compare; if the quota is lower, ${check.meaning}`,
        fix: 'allow servicequotas:GetServiceQuota, GetAWSDefaultServiceQuota and ListServiceQuotas, and run preflight again',
      },
      { required: check.required },
    );
  const numbers = { required: check.required, available: reading.value };
  const found = `${need}; account has ${formatNumber(reading.value, 0)} (${originText(reading)})`;
  if (reading.value >= check.required) return pass(check.id, check.title, found, numbers);
  return problem('fail', check.id, check.title, found, { meaning: check.meaning, fix: check.increase }, numbers);
}

function originText(reading: Extract<QuotaReading, { ok: true }>): string {
  const code = reading.code ? ` ${reading.code}` : '';
  return reading.origin === 'applied'
    ? `applied${code}`
    : reading.origin === 'aws-default'
      ? `AWS default${code}`
      : 'documented default';
}

/**
 * API Gateway's account burst is not a Service Quotas value: AWS sets it from the rate quota
 * (5,000 with the default 10,000 requests/s; 1,250 with 2,500 in the smaller Regions), i.e. half.
 * Stage bursts above it are cut by the account bucket: a warning, not a blocker.
 */
function judgeApiBurst(ctx: PreflightContext, apiRate: QuotaReading, required: number, shared: string): CheckResult {
  const id = 'quota.api-burst';
  const title = 'API Gateway account burst vs the stage bursts';
  const need = `Σ api.burstLimit${shared}: ${formatNumber(required, 0)} requests`;
  if (!apiRate.ok)
    return problem(
      'warn',
      id,
      title,
      `${need}; account burst unknown (rate quota not readable)`,
      {
        meaning: 'preflight could not compare the stage bursts with the account burst',
        fix: 'allow servicequotas:GetServiceQuota and run preflight again',
      },
      { required },
    );
  const accountBurst = Math.floor(apiRate.value / 2);
  const found = `${need}; account burst about ${formatNumber(accountBurst, 0)} (half the rate quota)`;
  if (accountBurst >= required) return pass(id, title, found, { required, available: accountBurst });
  return problem(
    'warn',
    id,
    title,
    found,
    {
      meaning: `a burst of every cell in ${ctx.region} at once is cut by the account bucket: clients see 429s and retry`,
      fix: 'lower api.burstLimit of the cells in this Region, or raise the rate quota (the account burst follows it)',
    },
    { required, available: accountBurst },
  );
}
