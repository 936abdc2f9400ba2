import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { throwIfFatal } from './awsErrors.ts';
import { type CheckResult, pass, problem } from './checkResult.ts';
import type { PreflightContext } from './context.ts';

const ID = 'account';
const TITLE = "credentials' account is the cell's account";

/**
 * The first call of every run: it also finds out whether there are credentials at all, whether they
 * have expired and whether AWS can be reached (those end the run with one line).
 */
export async function checkIdentity(ctx: PreflightContext): Promise<{ result: CheckResult; arn?: string }> {
  let identity: { Account?: string; Arn?: string };
  try {
    identity = await ctx.clients.sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    throwIfFatal(error, ctx);
    throw error;
  }
  const account = identity.Account ?? '(unknown)';
  if (account === ctx.cell.account) {
    return {
      result: pass(ID, TITLE, `account ${account} (${identity.Arn ?? 'unknown principal'})`),
      arn: identity.Arn,
    };
  }
  return {
    result: problem('fail', ID, TITLE, `credentials are for account ${account}, the cell is in ${ctx.cell.account}`, {
      meaning: 'cdk deploy would deploy into the wrong account, or fail on the bootstrap roles of the cell account',
      fix: `use credentials of account ${ctx.cell.account} (--profile, AWS_PROFILE), or correct "account" of cell ${ctx.cell.id} in cells/cells.config.ts`,
    }),
    ...(identity.Arn ? { arn: identity.Arn } : {}),
  };
}
