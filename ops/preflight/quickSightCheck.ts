import { GetRoleCommand } from '@aws-sdk/client-iam';
import { DescribeAccountSubscriptionCommand } from '@aws-sdk/client-quicksight';
import { errorText, isAccessDenied, isNotFound, throwIfCredentialsFailed } from './awsErrors.ts';
import { type CheckResult, pass, problem, skip } from './checkResult.ts';
import type { PreflightContext } from './context.ts';

/** The role QuickSight assumes to read data sources (cells/constructs/QuickSightDashboards.ts grants it). */
export const QUICKSIGHT_SERVICE_ROLE = 'aws-quicksight-service-role-v0';

const SUBSCRIPTION = { id: 'quicksight.subscription', title: 'QuickSight subscription (dashboards configured)' };
const ROLE = { id: 'quicksight.service-role', title: `IAM role ${QUICKSIGHT_SERVICE_ROLE}` };

/** Only for cells with `quicksightPrincipalArn`: without it the stack has no QuickSight resources. */
export async function checkQuickSight(ctx: PreflightContext): Promise<CheckResult[]> {
  if (!ctx.cell.quicksightPrincipalArn) {
    const why = 'no quicksightPrincipalArn: the cell has no QuickSight dashboards';
    return [skip(SUBSCRIPTION.id, SUBSCRIPTION.title, why), skip(ROLE.id, ROLE.title, why)];
  }
  return [await checkSubscription(ctx), await checkServiceRole(ctx)];
}

const SUBSCRIBE =
  'sign up for QuickSight (Enterprise edition) in the console, https://quicksight.aws.amazon.com, with the identity Region the cell uses';

async function checkSubscription(ctx: PreflightContext): Promise<CheckResult> {
  const { id, title } = SUBSCRIPTION;
  try {
    const { AccountInfo } = await ctx.clients.quickSight.send(
      new DescribeAccountSubscriptionCommand({ AwsAccountId: ctx.cell.account }),
    );
    const status = AccountInfo?.AccountSubscriptionStatus ?? 'unknown';
    const edition = AccountInfo?.Edition ?? 'unknown edition';
    if (/UNSUBSCRIBED|CREATION_FAILED/i.test(status))
      return problem('fail', id, title, `subscription is ${status}`, {
        meaning: 'the QuickSight data source, datasets and dashboards of the stack fail without a subscription',
        fix: SUBSCRIBE,
      });
    return pass(id, title, `${status}, ${edition}`);
  } catch (error) {
    throwIfCredentialsFailed(error, ctx);
    if (isNotFound(error))
      return problem('fail', id, title, `no QuickSight subscription in account ${ctx.cell.account}`, {
        meaning: 'the QuickSight data source, datasets and dashboards of the stack fail without a subscription',
        fix: SUBSCRIBE,
      });
    return problem('warn', id, title, `could not read the subscription: ${errorText(error)}`, {
      meaning: 'preflight could not tell whether QuickSight is subscribed',
      fix: isAccessDenied(error)
        ? 'allow quicksight:DescribeAccountSubscription for these credentials and run preflight again'
        : 'run preflight again',
    });
  }
}

async function checkServiceRole(ctx: PreflightContext): Promise<CheckResult> {
  const { id, title } = ROLE;
  try {
    const { Role } = await ctx.clients.iam.send(new GetRoleCommand({ RoleName: QUICKSIGHT_SERVICE_ROLE }));
    return pass(id, title, Role?.Arn ?? 'exists');
  } catch (error) {
    throwIfCredentialsFailed(error, ctx);
    if (isNotFound(error))
      return problem('fail', id, title, `no role ${QUICKSIGHT_SERVICE_ROLE} in account ${ctx.cell.account}`, {
        meaning: "the stack attaches the cell's read policy to this role; without it the deploy fails",
        fix: 'QuickSight creates the role when the account subscribes; in QuickSight → Manage QuickSight → Security & permissions, enable access to AWS services once',
      });
    return problem('warn', id, title, `could not read the role: ${errorText(error)}`, {
      meaning: 'preflight could not tell whether the QuickSight service role exists',
      fix: isAccessDenied(error)
        ? 'allow iam:GetRole for these credentials and run preflight again'
        : 'run preflight again',
    });
  }
}
