import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ERROR_CODES } from '../../schemas/errorResponse.ts';

/** The window WAF counts requests per IP over, and the `Retry-After` of its 429. */
const RATE_WINDOW_SECONDS = 60;

export interface ApiFirewallProps {
  readonly prefix: string;
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  /** Requests per source IP per minute before the rate-based rule blocks the IP. */
  readonly requestsPerMinutePerIp: number;
}

/**
 * The Regional WAF web ACL in front of the cell API: a per-IP rate limit, then the AWS managed
 * known-bad-inputs and common rule groups. Blocked requests get the ErrorResponse shape.
 */
export class ApiFirewall extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.prefix}-${metricName}`,
    });
    const managed = (name: string, priority: number, overrides: string[] = []): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ruleActionOverrides: overrides.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.prefix}-api`,
      description: 'BEMS cell API: rate limit per IP, AWS managed known-bad-inputs and common rules',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('api'),
      customResponseBodies: {
        rateLimited: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            code: ERROR_CODES.throttled,
            message: 'Too many requests from this address; retry with backoff',
          }),
        },
      },
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'rateLimited',
                // The rate is counted over 60 s windows: a client waiting one window is let in again.
                responseHeaders: [{ name: 'Retry-After', value: String(RATE_WINDOW_SECONDS) }],
              },
            },
          },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              limit: props.requestsPerMinutePerIp,
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
        // SizeRestrictions_BODY blocks bodies over 8 KB, but a valid batch of 10 events can be
        // larger; the ingest function enforces the real size limit (413 PAYLOAD_TOO_LARGE).
        managed('AWSManagedRulesCommonRuleSet', 2, ['SizeRestrictions_BODY']),
      ],
    });

    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
