import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Every EventBridge rule of a governance stack starts with this; the cell topics and keys let such rules publish. */
export const GOVERNANCE_RULE_PREFIX = 'bems-governance-';

export interface GovernanceAlertsProps {
  /** The Config rules to report on (`bems-…`). */
  readonly configRuleNames: readonly string[];
  /** The SSM Automation documents the remediations run. */
  readonly remediationDocuments: readonly string[];
  /** The alert topics of the Region's cells (the `alerts.configRules` severity). */
  readonly topics: readonly sns.ITopic[];
}

/**
 * Config and SSM events → the cells' warning topics: a BEMS resource became non-compliant, or a
 * remediation failed (after its retries) or was cancelled. EventBridge allows five targets per rule.
 */
export class GovernanceAlerts extends Construct {
  public readonly nonCompliant: events.Rule;
  public readonly remediationFailed: events.Rule;

  constructor(scope: Construct, id: string, props: GovernanceAlertsProps) {
    super(scope, id);
    if (props.topics.length > 5)
      throw new Error(`${props.topics.length} alert topics; an EventBridge rule has 5 targets`);
    const alertRule = (ruleId: string, name: string, description: string, eventPattern: events.EventPattern) =>
      new events.Rule(this, ruleId, {
        ruleName: `${GOVERNANCE_RULE_PREFIX}${name}`,
        description,
        eventPattern,
        targets: props.topics.map((topic) => new targets.SnsTopic(topic)),
      });
    this.nonCompliant = alertRule(
      'NonCompliant',
      'config-noncompliant',
      'A BEMS resource became non-compliant with a bems- Config rule',
      {
        source: ['aws.config'],
        detailType: ['Config Rules Compliance Change'],
        detail: {
          configRuleName: [...props.configRuleNames],
          newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
        },
      },
    );
    this.remediationFailed = alertRule(
      'RemediationFailed',
      'remediation-failed',
      'An SSM Automation remediation of a bems- Config rule failed, timed out or was cancelled',
      {
        source: ['aws.ssm'],
        detailType: ['EC2 Automation Execution Status-change Notification'],
        detail: { Definition: [...props.remediationDocuments], Status: ['Failed', 'TimedOut', 'Cancelled'] },
      },
    );
  }
}
