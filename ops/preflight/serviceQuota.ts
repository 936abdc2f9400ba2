import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ListServiceQuotasCommand,
  type ServiceQuota,
} from '@aws-sdk/client-service-quotas';
import { errorName, errorText, throwIfCredentialsFailed } from './awsErrors.ts';
import type { PreflightContext } from './context.ts';

/** Where a quota comes from: the Service Quotas API (`code` or `name` to find it), or only the docs. */
export interface QuotaSource {
  readonly serviceCode: string;
  /** The quota code, when it is known to be stable. */
  readonly quotaCode?: string;
  /** Else the quota is found by name among the service's quotas. */
  readonly quotaName?: RegExp;
  /** The documented default, used when the API has no value for this account. */
  readonly documentedDefault?: number;
}

export type QuotaReading =
  | {
      readonly ok: true;
      readonly value: number;
      readonly origin: 'applied' | 'aws-default' | 'documented';
      readonly code?: string;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * The account's value of a quota: the applied value (GetServiceQuota), else the AWS default
 * (GetAWSDefaultServiceQuota; the applied value is absent until someone changes a quota), else the
 * documented default. Credential failures end the run; other errors become a reading that says why.
 */
export async function readQuota(ctx: PreflightContext, source: QuotaSource): Promise<QuotaReading> {
  try {
    const quotaCode = source.quotaCode ?? (await findQuotaCode(ctx, source));
    if (quotaCode === undefined)
      return documented(source, `no ${source.serviceCode} quota matches ${source.quotaName}`);
    const applied = await quotaValue(() =>
      ctx.clients.serviceQuotas.send(
        new GetServiceQuotaCommand({ ServiceCode: source.serviceCode, QuotaCode: quotaCode }),
      ),
    );
    if (applied !== undefined) return { ok: true, value: applied, origin: 'applied', code: quotaCode };
    const byDefault = await quotaValue(() =>
      ctx.clients.serviceQuotas.send(
        new GetAWSDefaultServiceQuotaCommand({ ServiceCode: source.serviceCode, QuotaCode: quotaCode }),
      ),
    );
    if (byDefault !== undefined) return { ok: true, value: byDefault, origin: 'aws-default', code: quotaCode };
    return documented(source, `Service Quotas has no value for ${source.serviceCode}/${quotaCode}`);
  } catch (error) {
    throwIfCredentialsFailed(error, ctx);
    return documented(source, errorText(error));
  }
}

function documented(source: QuotaSource, reason: string): QuotaReading {
  return source.documentedDefault === undefined
    ? { ok: false, reason }
    : { ok: true, value: source.documentedDefault, origin: 'documented' };
}

/** undefined when this call has no value (NoSuchResourceException); other errors propagate. */
async function quotaValue(call: () => Promise<{ Quota?: ServiceQuota }>): Promise<number | undefined> {
  try {
    return (await call()).Quota?.Value;
  } catch (error) {
    if (errorName(error) === 'NoSuchResourceException') return undefined;
    throw error;
  }
}

async function findQuotaCode(ctx: PreflightContext, source: QuotaSource): Promise<string | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await ctx.clients.serviceQuotas.send(
      new ListServiceQuotasCommand({ ServiceCode: source.serviceCode, NextToken }),
    );
    const match = page.Quotas?.find((quota) => source.quotaName?.test(quota.QuotaName ?? ''));
    if (match?.QuotaCode) return match.QuotaCode;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}
