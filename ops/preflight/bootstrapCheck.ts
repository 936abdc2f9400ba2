import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { errorText, isAccessDenied, throwIfFatal } from './awsErrors.ts';
import { type CheckResult, pass, problem } from './checkResult.ts';
import type { PreflightContext } from './context.ts';

/** The stack `cdk bootstrap` creates (default qualifier). */
export const BOOTSTRAP_STACK = 'CDKToolkit';

/**
 * The oldest bootstrap this app deploys with. aws-cdk-lib's DefaultStackSynthesizer requires
 * version 6 to deploy and publish assets and version 8 for its lookup role
 * (MIN_BOOTSTRAP_STACK_VERSION / MIN_LOOKUP_ROLE_BOOTSTRAP_STACK_VERSION in
 * core/lib/stack-synthesizers/default-synthesizer.js of aws-cdk-lib 2.276); the CLI reads stack
 * state through that lookup role, so 8 is the floor for a clean `cdk deploy`/`cdk diff`.
 * `cdk bootstrap` of the aws-cdk CLI in package.json writes version 33 today.
 */
export const MIN_BOOTSTRAP_VERSION = 8;

/** A bootstrap stack in one of these states cannot serve a deploy (a failed create, a delete under way). */
const UNUSABLE_STATUSES = new Set([
  'CREATE_FAILED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_FAILED',
  'ROLLBACK_COMPLETE',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
  'UPDATE_ROLLBACK_FAILED',
]);

const ID = 'bootstrap';
const TITLE = `CDK bootstrap (${BOOTSTRAP_STACK}, version ≥ ${MIN_BOOTSTRAP_VERSION})`;

export async function checkBootstrap(ctx: PreflightContext): Promise<CheckResult> {
  const bootstrapCommand = `npx cdk bootstrap aws://${ctx.cell.account}/${ctx.region}`;
  let stack: { StackStatus?: string; Outputs?: { OutputKey?: string; OutputValue?: string }[] } | undefined;
  try {
    const { Stacks = [] } = await ctx.clients.cloudFormation.send(
      new DescribeStacksCommand({ StackName: BOOTSTRAP_STACK }),
    );
    stack = Stacks[0];
  } catch (error) {
    throwIfFatal(error, ctx);
    if (/does not exist/i.test(errorText(error))) stack = undefined;
    else
      return problem('warn', ID, TITLE, `could not describe ${BOOTSTRAP_STACK}: ${errorText(error)}`, {
        meaning: 'the bootstrap could not be verified; cdk deploy fails if it is missing or too old',
        fix: isAccessDenied(error)
          ? 'allow cloudformation:DescribeStacks on CDKToolkit for these credentials, and run preflight again'
          : 'run preflight again; if it persists, check the stack in the CloudFormation console',
      });
  }
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') {
    return problem('fail', ID, TITLE, `no ${BOOTSTRAP_STACK} stack in ${ctx.region}`, {
      meaning: 'cdk deploy stops at once: there is no asset bucket and no deploy role in this account and Region',
      fix: bootstrapCommand,
    });
  }
  if (UNUSABLE_STATUSES.has(stack.StackStatus ?? '')) {
    return problem('fail', ID, TITLE, `${BOOTSTRAP_STACK} is ${stack.StackStatus}`, {
      meaning: 'the bootstrap resources may be missing or half-updated',
      fix: `${bootstrapCommand}; if the stack stays failed, see its events in the CloudFormation console`,
    });
  }
  const raw = stack.Outputs?.find((output) => output.OutputKey === 'BootstrapVersion')?.OutputValue;
  const version = raw === undefined ? Number.NaN : Number(raw);
  if (!Number.isFinite(version) || version < MIN_BOOTSTRAP_VERSION) {
    return problem(
      'fail',
      ID,
      TITLE,
      `${BOOTSTRAP_STACK} is at version ${raw ?? '(no BootstrapVersion output)'}`,
      {
        meaning: `this app needs bootstrap version ${MIN_BOOTSTRAP_VERSION} or newer: cdk deploy refuses an older one`,
        fix: `${bootstrapCommand} (upgrades the stack in place)`,
      },
      { required: MIN_BOOTSTRAP_VERSION, ...(Number.isFinite(version) ? { available: version } : {}) },
    );
  }
  return pass(ID, TITLE, `version ${version} (${stack.StackStatus ?? 'unknown status'})`, {
    required: MIN_BOOTSTRAP_VERSION,
    available: version,
  });
}
