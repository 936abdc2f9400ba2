import type { CellDefinition } from '../../cells/definition.ts';
import { checkAnalyticsStore } from './analyticsStoreCheck.ts';
import { checkArithmetic } from './arithmeticChecks.ts';
import { checkBootstrap } from './bootstrapCheck.ts';
import { cellNeeds, cellsSharingAccountAndRegion } from './cellNeeds.ts';
import type { CheckResult } from './checkResult.ts';
import type { PreflightClients } from './clients.ts';
import { checkConfigRecorder } from './configRecorderCheck.ts';
import type { PreflightContext } from './context.ts';
import { checkFirehoseThroughput } from './firehoseThroughputCheck.ts';
import { checkIdentity } from './identityCheck.ts';
import { checkQuickSight } from './quickSightCheck.ts';
import { checkQuotas } from './quotaChecks.ts';

/** The `--output json` document. `version` changes only if a field changes meaning. */
export interface PreflightReport {
  readonly version: 1;
  readonly cell: string;
  readonly account: string;
  readonly region: string;
  readonly store: CellDefinition['analytics']['store'];
  /** The principal the credentials belong to (STS GetCallerIdentity). */
  readonly principal?: string;
  /** True when no check failed: the exit code is 0. */
  readonly ok: boolean;
  readonly blocking: number;
  readonly warnings: number;
  readonly checks: readonly CheckResult[];
}

export interface PreflightOptions {
  readonly cell: CellDefinition;
  /** Every cell of the config, to find those sharing this cell's account and Region. */
  readonly allCells: readonly CellDefinition[];
  readonly region?: string;
  readonly profile?: string;
  readonly clients: PreflightClients;
}

/**
 * Runs every check in order. Only read calls are made. When the credentials are of another
 * account, the account-bound checks would describe the wrong account, so only the cell's own
 * arithmetic runs after that failure.
 */
export async function runPreflight(options: PreflightOptions): Promise<PreflightReport> {
  const region = options.region ?? options.cell.region;
  const ctx: PreflightContext = {
    cell: options.cell,
    region,
    ...(options.profile ? { profile: options.profile } : {}),
    needs: cellNeeds(options.cell),
    sharing: cellsSharingAccountAndRegion(options.cell, region, options.allCells),
    clients: options.clients,
  };
  const identity = await checkIdentity(ctx);
  const checks: CheckResult[] = [identity.result];
  if (identity.result.status === 'pass') {
    checks.push(await checkBootstrap(ctx));
    checks.push(await checkConfigRecorder(ctx));
    checks.push(...(await checkAnalyticsStore(ctx)));
    checks.push(...(await checkQuickSight(ctx)));
    checks.push(...(await checkQuotas(ctx)));
    checks.push(checkFirehoseThroughput(ctx));
  }
  checks.push(...checkArithmetic(ctx.cell, ctx.needs));
  const blocking = checks.filter((check) => check.status === 'fail').length;
  return {
    version: 1,
    cell: ctx.cell.id,
    account: ctx.cell.account,
    region,
    store: ctx.cell.analytics.store,
    ...(identity.arn ? { principal: identity.arn } : {}),
    ok: blocking === 0,
    blocking,
    warnings: checks.filter((check) => check.status === 'warn').length,
    checks,
  };
}
