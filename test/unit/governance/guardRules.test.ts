import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsCells } from '../../../cells/cells.config.ts';
import { parseCellDefinitions } from '../../../cells/definition.ts';
import { guardPolicies, MAX_POLICY_TEXT_LENGTH } from '../../../cells/governance/guardRules.ts';
import { evaluateGuardPolicy } from '../../helpers/cfnGuard.ts';

/**
 * The BEMS Config rules in CloudFormation Guard, executed by the cfn-guard binary against recorded
 * configuration items of cell euw1-a (test/fixtures/config-items/): compliant, non-compliant and
 * not-applicable samples, each with the verdict Config would record.
 */
interface Fixture {
  readonly policy: string;
  readonly compliant: readonly unknown[];
  readonly nonCompliant: readonly unknown[];
  readonly notApplicable: readonly unknown[];
}
const FIXTURES = path.join(import.meta.dirname, '../../fixtures/config-items');
const fixtures: Fixture[] = readdirSync(FIXTURES).map((f) => JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')));
const policies = guardPolicies(awsCells().filter((c) => c.account === '111111111111' && c.region === 'eu-west-1'));

describe.each(fixtures.map((f) => [f.policy, f] as const))('Guard policy %s', (name, fixture) => {
  const policy = policies.find((p) => p.name === name)!;

  it('judges recorded configuration items as Config would', () => {
    // Act
    const verdicts = evaluateGuardPolicy(policy.text, [
      ...fixture.compliant,
      ...fixture.nonCompliant,
      ...fixture.notApplicable,
    ]);
    // Assess
    expect(verdicts).toEqual([
      ...fixture.compliant.map(() => 'COMPLIANT'),
      ...fixture.nonCompliant.map(() => 'NON_COMPLIANT'),
      ...fixture.notApplicable.map(() => 'NOT_APPLICABLE'),
    ]);
  });
});

describe('Guard policies', () => {
  it('has recorded samples for every policy', () => {
    expect(policies.map((p) => p.name).sort()).toEqual(fixtures.map((f) => f.policy).sort());
  });

  it("follow a cell's own maxReceiveCount and archive retention", () => {
    // Prepare: euw1-a as configured, but three receives on the posting inbox and a 30-day archive.
    const [cell] = parseCellDefinitions([
      {
        id: 'euw1-a',
        account: '111111111111',
        region: 'eu-west-1',
        apiClients: [{ name: 'sap-fi' }],
        archiveRetentionDays: 30,
        stages: { posting: { inbox: { maxReceiveCount: 3 } } },
      },
    ]);
    const custom = guardPolicies([cell!]);
    const dlq = fixtures.find((f) => f.policy === 'queue-dlq')!;
    const archive = fixtures.find((f) => f.policy === 'archive-retention')!;
    const inbox = (count: number) => ({
      ...(dlq.compliant[0] as object),
      configuration: {
        QueueName: 'bems-euw1-a-posting-inbox',
        RedrivePolicy: {
          deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:111111111111:bems-euw1-a-posting-inbox-dlq',
          maxReceiveCount: count,
        },
      },
    });
    // Act
    const queueVerdicts = evaluateGuardPolicy(custom.find((p) => p.name === 'queue-dlq')!.text, [inbox(3), inbox(5)]);
    const archiveVerdicts = evaluateGuardPolicy(custom.find((p) => p.name === 'archive-retention')!.text, [
      archive.nonCompliant[0],
      archive.compliant[0],
    ]);
    // Assess
    expect(queueVerdicts).toEqual(['COMPLIANT', 'NON_COMPLIANT']);
    expect(archiveVerdicts).toEqual(['COMPLIANT', 'NON_COMPLIANT']);
  });

  it('stay within the length Config accepts for every Region of the config', () => {
    const regions = new Set(awsCells().map((c) => `${c.account}/${c.region}`));
    for (const key of regions) {
      const cells = awsCells().filter((c) => `${c.account}/${c.region}` === key);
      for (const policy of guardPolicies(cells)) expect(policy.text.length).toBeLessThanOrEqual(MAX_POLICY_TEXT_LENGTH);
    }
  });
});
