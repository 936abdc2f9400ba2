import { EXIT_CODES } from './exitCodes.ts';
import { fatalReason, isAccessDenied } from './preflight/awsErrors.ts';

/** Where a failure happened, so its hint can name the profile to change. */
export interface FailureContext {
  readonly profile?: string;
  readonly region?: string;
}

/**
 * The one line an operator reads for an error that is not the CLI's own (an AWS SDK or network
 * error): what happened and what to do, with the exit code. AWS's own text stays in it, cut to
 * its first line; `BEMS_DEBUG=1` prints the stack as well (cli.ts). Expired sessions, invalid
 * keys and an unreachable network read as preflight reads them (preflight/awsErrors.ts).
 */
export function explainFailure(error: unknown, context: FailureContext = {}): { line: string; exitCode: number } {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as {
    name?: string;
    message?: string;
  };
  const name = e.name ?? 'Error';
  const message = (e.message ?? '').split('\n')[0]!;
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    const profile = context.profile ? ` --profile ${context.profile}` : '';
    return {
      line: context.profile
        ? `no AWS credentials for profile "${context.profile}": run \`aws sso login${profile}\` (or \`aws configure${profile}\`), or check ~/.aws/config`
        : 'no AWS credentials: pass --profile NAME (or set AWS_PROFILE) after `aws sso login` / `aws configure`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)',
      exitCode: EXIT_CODES.unreachable,
    };
  }
  const fatal = fatalReason(error, { ...context, region: context.region ?? 'the Region' });
  if (fatal) return { line: fatal, exitCode: EXIT_CODES.unreachable };
  if (isAccessDenied(error))
    return {
      line: `access denied (${name}: ${message}); a cell's bems-<cell>-operator role has what every command needs (docs/OPERATIONS.md, "Cross-account access")`,
      exitCode: EXIT_CODES.failure,
    };
  return { line: `${name}: ${message}`, exitCode: EXIT_CODES.failure };
}
