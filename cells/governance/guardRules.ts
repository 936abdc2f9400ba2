import type { CellDefinition } from '../definition.ts';
import { functionPlan } from '../functionPlan.ts';
import { allQueues, cellTopology } from '../topology.ts';

/**
 * The BEMS-specific AWS Config rules, as CloudFormation Guard policies (Config custom policy rules:
 * no Lambda). Each is generated from the cells of one account and Region, so what a rule expects —
 * a queue's DLQ and maxReceiveCount, a function's log group, an archive's retention — is what the
 * cell definition says. Config runs them with the `guard-2.x.x` runtime: only Guard 2 syntax is
 * used (no Guard 3 functions), and `test/unit/governance/guardRules.test.ts` runs every policy with
 * the cfn-guard binary against recorded configuration items.
 *
 * A Guard policy sees one configuration item at a time, so a rule can only check what that item
 * records: a deleted archive leaves nothing to evaluate (the DeleteArchive detection catches it),
 * and "its own role" is checked as "a role the cell's stack created" (CloudFormation names roles
 * `<stack name>-…`); that no two functions share one is asserted on the template (test/infra).
 */
export interface GuardPolicy {
  /** Config rule name suffix, e.g. `queue-dlq`. */
  readonly name: string;
  readonly description: string;
  /** The resource type the policy evaluates. */
  readonly resourceType: 'AWS::SQS::Queue' | 'AWS::Lambda::Function' | 'AWS::Events::Archive';
  /** Whether Config may scope it by the `project=bems` tag (archives cannot be tagged). */
  readonly taggable: boolean;
  /** The Guard 2 policy text. */
  readonly text: string;
}

/** Config's limit on a custom policy's text. */
export const MAX_POLICY_TEXT_LENGTH = 10_000;

export function guardPolicies(cells: readonly CellDefinition[]): GuardPolicy[] {
  const policies = [queueEncryptionPolicy(), queueDlqPolicy(cells), functionPolicy(cells), archivePolicy(cells)];
  for (const policy of policies) {
    if (policy.text.length > MAX_POLICY_TEXT_LENGTH)
      throw new Error(
        `Guard policy ${policy.name} has ${policy.text.length} characters; Config allows ${MAX_POLICY_TEXT_LENGTH} (split the cells of this Region)`,
      );
  }
  return policies;
}

const quote = (value: string) => JSON.stringify(value);
const regExpLiteral = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function queueEncryptionPolicy(): GuardPolicy {
  return {
    name: 'queue-encrypted',
    description:
      'Every BEMS queue is encrypted with a customer-managed KMS key (SSE-KMS), not unencrypted or SQS-managed.',
    resourceType: 'AWS::SQS::Queue',
    taggable: true,
    text: [
      'rule bems_queue_encrypted when resourceType == "AWS::SQS::Queue" {',
      '  configuration.KmsMasterKeyId exists',
      '  configuration.KmsMasterKeyId != ""',
      '}',
    ].join('\n'),
  };
}

function queueDlqPolicy(cells: readonly CellDefinition[]): GuardPolicy {
  const queues = cells.flatMap((cell) => allQueues(cellTopology(cell)));
  const dlqNames = queues.map((q) => quote(q.dlqName));
  const blocks = queues.map((queue) =>
    [
      `  when configuration.QueueName == ${quote(queue.name)} {`,
      `    configuration.RedrivePolicy.deadLetterTargetArn == /:${regExpLiteral(queue.dlqName)}$/`,
      `    configuration.RedrivePolicy.maxReceiveCount == ${queue.settings.maxReceiveCount}`,
      '  }',
    ].join('\n'),
  );
  return {
    name: 'queue-dlq',
    description:
      "Every BEMS queue but a DLQ has a redrive policy; each of the cells' queues sends to its own DLQ after the cell's maxReceiveCount.",
    resourceType: 'AWS::SQS::Queue',
    taggable: true,
    text: [
      `let bems_dlqs = [${dlqNames.join(', ')}]`,
      'rule bems_queue_dlq when resourceType == "AWS::SQS::Queue" {',
      // A BEMS queue the definition does not know (added by hand) still needs a DLQ.
      '  when configuration.QueueName not in %bems_dlqs {',
      '    configuration.RedrivePolicy exists',
      '    configuration.RedrivePolicy.deadLetterTargetArn exists',
      '  }',
      ...blocks,
      '}',
    ].join('\n'),
  };
}

function functionPolicy(cells: readonly CellDefinition[]): GuardPolicy {
  const known: string[] = [];
  const blocks = cells.flatMap((cell) => {
    const plan = functionPlan(cell);
    const names = [plan.ingest, plan.forward, ...plan.consumers, plan.monitor].map((f) => f.functionName);
    known.push(...names);
    return names.map((name) =>
      [
        `  when configuration.functionName == ${quote(name)} {`,
        // A role the cell's stack created (CloudFormation names it after the stack), not a shared one.
        `    configuration.role == /:role\\/${regExpLiteral(`bems-${cell.id}-`)}/`,
        // Lambda's default log group is the function's own; a loggingConfig may only name that one.
        `    when configuration.loggingConfig.logGroup exists {`,
        `      configuration.loggingConfig.logGroup == ${quote(`/aws/lambda/${name}`)}`,
        '    }',
        '  }',
      ].join('\n'),
    );
  });
  return {
    name: 'function-role-and-logs',
    description:
      "Every BEMS function runs with a role of its cell's stack and logs to its own log group /aws/lambda/<function> (retention: rule log-group-retention).",
    resourceType: 'AWS::Lambda::Function',
    taggable: true,
    text: [
      `let bems_functions = [${known.map(quote).join(', ')}]`,
      'rule bems_function_role_and_logs when resourceType == "AWS::Lambda::Function" {',
      // A BEMS function the definition does not know (added by hand) still gets a BEMS role.
      '  when configuration.functionName not in %bems_functions {',
      '    configuration.role == /:role\\/bems-/',
      '  }',
      ...blocks,
      '}',
    ].join('\n'),
  };
}

function archivePolicy(cells: readonly CellDefinition[]): GuardPolicy {
  const blocks = cells.map((cell) => {
    const topology = cellTopology(cell);
    // EventBridge records "indefinitely" as 0 or leaves the field out.
    const retention =
      cell.archiveRetentionDays === 0
        ? '    configuration.RetentionDays !exists or configuration.RetentionDays == 0'
        : `    configuration.RetentionDays == ${cell.archiveRetentionDays}`;
    return [
      `  when configuration.SourceArn == /:event-bus\\/${regExpLiteral(topology.busName)}$/ {`,
      `    configuration.ArchiveName == /^${regExpLiteral(topology.archiveName)}/`,
      retention,
      '  }',
    ].join('\n');
  });
  return {
    name: 'archive-retention',
    description:
      "The archive of each cell's bus keeps events for the cell's archiveRetentionDays (0: indefinitely, the audit default).",
    resourceType: 'AWS::Events::Archive',
    taggable: false,
    text: ['rule bems_archive_retention when resourceType == "AWS::Events::Archive" {', ...blocks, '}'].join('\n'),
  };
}
