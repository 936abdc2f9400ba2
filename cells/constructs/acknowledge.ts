import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one finding of a validation plugin on `scope` (and what it contains), with the
 * reason a reviewer reads in the validation report. `finding` is the exact id the report prints,
 * e.g. `AwsSolutions-IAM5[Resource::*]`; `plugin` is the namespace before `::`.
 */
export function acknowledge(
  scope: IConstruct,
  finding: string,
  reason: string,
  plugin: 'AwsSolutions' | 'CloudFormation-Validate' = 'AwsSolutions',
): void {
  Validations.of(scope).acknowledge({ id: `${plugin}::${finding}`, reason });
}
