import { CfnOutput } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

export interface CellOutputsProps {
  readonly cellId: string;
}

/**
 * Publishes what operator tools need to find a deployed cell, twice: as a stack output (for people
 * and `aws cloudformation describe-stacks`) and as an SSM parameter under `/bems/<cellId>/`
 * (for the `bems` CLI: one `GetParametersByPath` returns the whole cell).
 */
export class CellOutputs extends Construct {
  /** Parameter path (without the `/bems/<cellId>/` prefix) → value, in the order added. */
  public readonly published = new Map<string, string>();
  private readonly cellId: string;

  constructor(scope: Construct, id: string, props: CellOutputsProps) {
    super(scope, id);
    this.cellId = props.cellId;
  }

  /** The SSM parameter name of `path`, e.g. `/bems/euw1-a/bus/name`. */
  parameterName(path: string): string {
    return `/bems/${this.cellId}/${path}`;
  }

  /** Publishes `value` as output and as parameter `/bems/<cellId>/<path>`. */
  add(path: string, value: string, description: string): void {
    if (this.published.has(path)) throw new Error(`cell output ${path} is published twice`);
    this.published.set(path, value);
    const id = path
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((part) => part[0]!.toUpperCase() + part.slice(1))
      .join('');
    new CfnOutput(this, id, { key: id, value, description });
    new ssm.StringParameter(this, `Param${id}`, {
      parameterName: this.parameterName(path),
      stringValue: value,
      description,
      // The cell topology JSON can outgrow 4 KB; others stay standard (free).
      tier: ssm.ParameterTier.INTELLIGENT_TIERING,
    });
  }
}
