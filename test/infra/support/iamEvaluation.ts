import type { Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from './templateQueries.ts';

/**
 * A small evaluator of the identity and trust policies a template synthesizes (Allow statements,
 * `*` wildcards in actions and resources, StringEquals conditions), so tests ask "may this role do
 * that to this resource" instead of comparing policy text. References (`Fn::GetAtt`, `Ref`) resolve
 * to the ARNs the resources will have: queues by name, everything else by logical id.
 */

// biome-ignore lint/suspicious/noExplicitAny: policy statements are free-form JSON.
type Statement = Record<string, any>;

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function glob(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return regex.test(value);
}

/** Resolves `{ Fn::GetAtt: [queue, 'Arn'] }` to `arn:aws:sqs:<region>:<account>:<QueueName>`; other references to `<logicalId>`. */
export function arnResolver(template: Template, region: string, account: string): (value: unknown) => string {
  const resources = template.toJSON().Resources as Record<string, CfnResource>;
  return (value) => {
    if (typeof value === 'string') return value;
    const ref = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
    if (ref['Fn::Join'])
      return ref['Fn::Join'][1].map((part) => arnResolver(template, region, account)(part)).join(ref['Fn::Join'][0]);
    const id = ref.Ref ?? ref['Fn::GetAtt']?.[0] ?? '';
    const resource = resources[id];
    if (resource?.Type === 'AWS::SQS::Queue')
      return `arn:aws:sqs:${region}:${account}:${resource.Properties.QueueName}`;
    if (ref.Ref === 'AWS::Partition') return 'aws';
    return `<${id}>`;
  };
}

/** Whether Allow statements grant `action` on `resource` (no Deny statements are synthesized). */
export function allows(
  statements: readonly Statement[],
  action: string,
  resource: string,
  resolve: (v: unknown) => string,
) {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      asList<string>(s.Action).some((a) => glob(a, action)) &&
      asList<unknown>(s.Resource).some((r) => glob(resolve(r), resource)),
  );
}

/** A caller of sts:AssumeRole: its account and what the request context carries. */
export interface AssumeRoleRequest {
  readonly account: string;
  readonly principalOrgId?: string;
  readonly externalId?: string;
}

/** Whether a trust policy lets `request` assume the role (account principals, StringEquals conditions). */
export function trustAllows(trust: { Statement: readonly Statement[] }, request: AssumeRoleRequest): boolean {
  const context: Record<string, string | undefined> = {
    'aws:PrincipalOrgID': request.principalOrgId,
    'sts:ExternalId': request.externalId,
  };
  return trust.Statement.some((s) => {
    if (s.Effect !== 'Allow' || !asList<string>(s.Action).includes('sts:AssumeRole')) return false;
    const principals = asList<string>(s.Principal?.AWS);
    if (!principals.some((p) => p === `arn:aws:iam::${request.account}:root` || p === request.account)) return false;
    const conditions = Object.entries(s.Condition ?? {}) as [string, Record<string, string | string[]>][];
    return conditions.every(
      ([operator, keys]) =>
        operator === 'StringEquals' &&
        Object.entries(keys).every(([key, expected]) => asList(expected).includes(context[key] ?? '\u0000')),
    );
  });
}
