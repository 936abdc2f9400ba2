import { userInfo } from 'node:os';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type AccessLevel, accessRoleName, type CellDefinition } from '../../cells/definition.ts';
import { TargetError, UsageError } from '../errors.ts';
import { isAccessDenied } from '../preflight/awsErrors.ts';

/** `--profile`, `--region`, `--role-arn`, and the role level the command needs. */
export interface AccessOptions {
  readonly profile?: string;
  readonly region?: string;
  readonly roleArn?: string;
  readonly level: AccessLevel;
}

/** Temporary credentials as the AWS SDK takes them. */
interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** How every client of one deployed cell is configured: its Region, and whose credentials. */
export interface CellSession {
  readonly clientConfig: {
    readonly region: string;
    readonly profile?: string;
    readonly credentials?: () => Promise<Credentials>;
  };
  /** The assumed role, when one was. */
  readonly roleArn?: string;
  /** The role session name (who acts, as CloudTrail records it). */
  readonly sessionName?: string;
  close(): void;
}

/** Credentials are renewed this long before they expire (a long redrive outlives one session). */
const RENEW_BEFORE_MS = 5 * 60_000;
const SESSION_SECONDS = 3600;

/**
 * The credentials to reach `cell` with. `--role-arn` is assumed when given; otherwise, for a cell
 * with an `access` block, the caller's account decides: in the cell's own account the caller's
 * credentials are used as they are, from any other the cell's `bems-<cell>-<level>` role is assumed
 * (with the cell's ExternalId when it has one). The session name identifies the operator: the
 * caller's own session or user name (`aws sts get-caller-identity`), else the OS user.
 */
export async function cellSession(cell: CellDefinition, access: AccessOptions): Promise<CellSession> {
  if (access.region !== undefined && access.region !== cell.region)
    throw new UsageError(
      `--region ${access.region}: cell ${cell.id} is in ${cell.region}; drop --region or pick a cell there`,
    );
  const base = { region: cell.region, ...(access.profile ? { profile: access.profile } : {}) };
  if (access.roleArn === undefined && cell.access === undefined) return { clientConfig: base, close: () => undefined };
  const sts = new STSClient(base);
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const roleArn = access.roleArn ?? (identity.Account === cell.account ? undefined : cellRoleArn(cell, access.level));
    if (roleArn === undefined) {
      sts.destroy();
      return { clientConfig: base, close: () => undefined };
    }
    const sessionName = sessionNameOf(identity.Arn, userInfo().username);
    const assume = async (): Promise<Credentials> => {
      try {
        const { Credentials: c } = await sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: sessionName,
            DurationSeconds: SESSION_SECONDS,
            ...(cell.access?.externalId ? { ExternalId: cell.access.externalId } : {}),
          }),
        );
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('STS returned no credentials');
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration ?? new Date(Date.now() + SESSION_SECONDS * 1000),
        };
      } catch (error) {
        throw assumeRoleError(error, roleArn, identity.Arn ?? 'these credentials', cell);
      }
    };
    // Assumed now, so a denial is one clear line before any command starts; renewed on use.
    let current = await assume();
    return {
      clientConfig: {
        ...base,
        credentials: async () => {
          if (current.expiration.getTime() - Date.now() < RENEW_BEFORE_MS) current = await assume();
          return current;
        },
      },
      roleArn,
      sessionName,
      close: () => sts.destroy(),
    };
  } catch (error) {
    sts.destroy();
    throw error;
  }
}

/** `arn:aws:iam::<cell account>:role/bems-<cell>-<level>` (aws-cn / aws-us-gov by the Region). */
export function cellRoleArn(cell: Pick<CellDefinition, 'id' | 'account' | 'region'>, level: AccessLevel): string {
  const partition = cell.region.startsWith('cn-') ? 'aws-cn' : cell.region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${cell.account}:role/${accessRoleName(cell.id, level)}`;
}

/**
 * A role session name (2-64 of `[\w+=,.@-]`) naming the operator: `alice@example.com` from
 * `arn:aws:sts::…:assumed-role/Admin/alice@example.com`, `bob` from `arn:aws:iam::…:user/bob`,
 * else the OS user.
 */
export function sessionNameOf(callerArn: string | undefined, osUser: string): string {
  const match = /:(assumed-role\/[^/]+|user(?:\/[^/]+)*|federated-user)\/([^/]+)$/.exec(callerArn ?? '');
  const who = (match?.[2] ?? (callerArn?.endsWith(':root') ? 'root' : osUser)).replace(/[^\w+=,.@-]/g, '-');
  return `bems-${who}`.slice(0, 64);
}

function assumeRoleError(error: unknown, roleArn: string, caller: string, cell: CellDefinition): Error {
  if (!isAccessDenied(error)) return error as Error;
  const message = ((error as Error).message ?? '').split('\n')[0];
  const condition = cell.access
    ? [
        cell.access.principalOrgId ? `organization ${cell.access.principalOrgId}` : '',
        cell.access.externalId ? 'its ExternalId' : '',
      ]
        .filter(Boolean)
        .join(' and ')
    : '';
  return new TargetError(
    `cannot assume ${roleArn} as ${caller} (${(error as Error).name}: ${message}): the role must trust your account` +
      `${condition ? ` with ${condition}` : ''} and your policy must allow sts:AssumeRole on it (docs/OPERATIONS.md, "Cross-account access")`,
    { cause: error },
  );
}
