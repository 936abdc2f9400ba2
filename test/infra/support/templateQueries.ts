import type { Template } from 'aws-cdk-lib/assertions';

/** A CloudFormation resource as it appears in a synthesized template. */
export interface CfnResource {
  readonly Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are free-form JSON; tests narrow them with expect().
  readonly Properties: Record<string, any>;
  readonly DependsOn?: string | string[];
}

/** Every resource of `type`, by logical id. */
export function resourcesOf(template: Template, type: string): Map<string, CfnResource> {
  return new Map(Object.entries(template.findResources(type) as Record<string, CfnResource>));
}

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points at. */
export function logicalIdOf(reference: unknown): string {
  const ref = reference as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = ref.Ref ?? ref['Fn::GetAtt']?.[0];
  if (!id) throw new Error(`not a reference: ${JSON.stringify(reference)}`);
  return id;
}

/** Whether `value` is a `{Ref}` or `{Fn::GetAtt}` to the resource `logicalId` (not a literal name or ARN). */
export function refersTo(value: unknown, logicalId: string): boolean {
  const ref = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | null;
  return typeof ref === 'object' && ref !== null && (ref.Ref ?? ref['Fn::GetAtt']?.[0]) === logicalId;
}

/** The IAM statements of every inline policy attached to the role `roleId`. */
// biome-ignore lint/suspicious/noExplicitAny: statements are free-form JSON; tests narrow them with expect().
export function statementsOfRole(template: Template, roleId: string): any[] {
  return [...resourcesOf(template, 'AWS::IAM::Policy').values()]
    .filter((p) => (p.Properties.Roles ?? []).some((r: unknown) => refersTo(r, roleId)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** The physical name property of the resource a reference points at (QueueName, TopicName…). */
export function nameOf(template: Template, reference: unknown, nameProperty: string): string {
  const id = logicalIdOf(reference);
  const resource = template.toJSON().Resources[id] as CfnResource | undefined;
  if (!resource) throw new Error(`no resource ${id}`);
  return resource.Properties[nameProperty];
}

/** A resource's properties by its physical name, e.g. the queue named `bems-euw1-a-posting-inbox`. */
export function byName(template: Template, type: string, nameProperty: string, name: string): [string, CfnResource] {
  const found = [...resourcesOf(template, type)].filter(([, r]) => r.Properties[nameProperty] === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0]!;
}

/** Parses a value CloudFormation builds with Fn::Join around references, replacing each reference by `<LogicalId>`. */
// biome-ignore lint/suspicious/noExplicitAny: the parsed JSON is free-form; tests narrow it with expect().
export function joinedJson(value: unknown): any {
  if (typeof value === 'string') return JSON.parse(value);
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1].map((part) => (typeof part === 'string' ? part : `<${logicalIdOf(part)}>`)).join(join[0]);
  return JSON.parse(text);
}
