import { ListDeliveryStreamsCommand } from '@aws-sdk/client-firehose';
import { ListTableBucketsCommand } from '@aws-sdk/client-s3tables';
import { DescribeEndpointsCommand, ListDatabasesCommand } from '@aws-sdk/client-timestream-write';
import {
  errorText,
  isAccessDenied,
  isCallerNotAuthorized,
  isUnreachableEndpoint,
  throwIfCredentialsFailed,
} from './awsErrors.ts';
import { type CheckResult, pass, problem } from './checkResult.ts';
import type { PreflightContext } from './context.ts';

/**
 * Whether the cell's analytics store can exist in this account and Region. Timestream for
 * LiveAnalytics is closed to new customers since 2025-06-20: such an account is refused on its
 * first call (AccessDenied, "not available to new customers"), and the deploy would fail on the
 * Timestream database and roll back. The lakehouse needs S3 Tables and Firehose in the Region.
 */
export async function checkAnalyticsStore(ctx: PreflightContext): Promise<CheckResult[]> {
  return ctx.cell.analytics.store === 'timestream' ? [await checkTimestream(ctx)] : checkLakehouse(ctx);
}

const SERVICE_REFUSED =
  /not available|new customers|existing customers|not (currently )?(open|enabled|supported)|subscription/i;

async function checkTimestream(ctx: PreflightContext): Promise<CheckResult> {
  const id = 'store.timestream';
  const title = 'Timestream for LiveAnalytics usable by this account';
  const toLakehouse = `set analytics: { store: 'lakehouse' } on cell ${ctx.cell.id} in cells/cells.config.ts (and drop its timestream block), then run preflight again`;
  try {
    await ctx.clients.timestreamWrite.send(new DescribeEndpointsCommand({}));
    const { Databases = [] } = await ctx.clients.timestreamWrite.send(new ListDatabasesCommand({ MaxResults: 1 }));
    return pass(
      id,
      title,
      `the account answers Timestream in ${ctx.region} (${Databases.length ? 'has databases' : 'no databases yet'})`,
    );
  } catch (error) {
    throwIfCredentialsFailed(error, ctx);
    if (isUnreachableEndpoint(error))
      return problem('fail', id, title, `no Timestream endpoint answers in ${ctx.region}: ${errorText(error)}`, {
        meaning: 'Timestream for LiveAnalytics is not offered in this Region: the stack would fail on its database',
        fix: toLakehouse,
      });
    if (isCallerNotAuthorized(error))
      return problem('warn', id, title, `these credentials may not call Timestream: ${errorText(error)}`, {
        meaning:
          'preflight could not tell whether the account can use Timestream; the deploy role may still be able to',
        fix: 'allow timestream:DescribeEndpoints and timestream:ListDatabases for these credentials and run preflight again',
      });
    if (isAccessDenied(error) || SERVICE_REFUSED.test(errorText(error)))
      return problem('fail', id, title, `Timestream refuses this account: ${errorText(error)}`, {
        meaning:
          'Timestream for LiveAnalytics is closed to new customers since 2025-06-20; the stack would fail on the Timestream database and roll back',
        fix: toLakehouse,
      });
    return problem('warn', id, title, `could not check Timestream: ${errorText(error)}`, {
      meaning: 'the Timestream store could not be verified',
      fix: 'run preflight again; if it persists, try `aws timestream-write describe-endpoints` with the same credentials',
    });
  }
}

async function checkLakehouse(ctx: PreflightContext): Promise<CheckResult[]> {
  const chooseTimestream =
    'deploy the cell to a Region that offers it, or (only for an account that has Timestream) use analytics.store "timestream"';
  const s3Tables = await probe(
    ctx,
    'store.s3-tables',
    'S3 Tables (table buckets) in the Region',
    's3tables:ListTableBuckets',
    chooseTimestream,
    () => ctx.clients.s3Tables.send(new ListTableBucketsCommand({ maxBuckets: 1 })),
  );
  const firehose = await probe(
    ctx,
    'store.firehose',
    'Amazon Data Firehose in the Region',
    'firehose:ListDeliveryStreams',
    chooseTimestream,
    () => ctx.clients.firehose.send(new ListDeliveryStreamsCommand({ Limit: 1 })),
  );
  return [s3Tables, firehose];
}

async function probe(
  ctx: PreflightContext,
  id: string,
  title: string,
  permission: string,
  fix: string,
  call: () => Promise<unknown>,
): Promise<CheckResult> {
  try {
    await call();
    return pass(id, title, `answers in ${ctx.region}`);
  } catch (error) {
    throwIfCredentialsFailed(error, ctx);
    if (isUnreachableEndpoint(error) || /not (available|supported)|UnknownEndpoint/i.test(errorText(error)))
      return problem('fail', id, title, `not available in ${ctx.region}: ${errorText(error)}`, {
        meaning: 'the lakehouse store cannot be created in this Region: the stack would fail',
        fix,
      });
    if (isAccessDenied(error))
      return problem('warn', id, title, `these credentials may not call it: ${errorText(error)}`, {
        meaning: 'preflight could not tell whether the service is available; the deploy role may still be able to',
        fix: `allow ${permission} for these credentials and run preflight again`,
      });
    return problem('warn', id, title, `could not check: ${errorText(error)}`, {
      meaning: 'the lakehouse store could not be verified',
      fix: 'run preflight again',
    });
  }
}
