import { GetParameterCommand, ParameterNotFound, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { type MonitorState, type MonitorStateStore, parseMonitorState } from './MonitorState.ts';

/** Advanced parameters hold 8 KB; the state is kept compact to stay below. */
const MAX_PARAMETER_BYTES = 8192;

/** Monitor state in one SSM parameter (`MONITOR_STATE_PARAMETER`, created by the CDK stack). */
export class SsmMonitorStateStore implements MonitorStateStore {
  constructor(
    private readonly ssm: SSMClient,
    readonly parameterName: string,
  ) {}

  get location(): string {
    return `ssm:${this.parameterName}`;
  }

  async load(): Promise<{ state: MonitorState; problem?: string }> {
    try {
      const { Parameter } = await this.ssm.send(new GetParameterCommand({ Name: this.parameterName }));
      return parseMonitorState(Parameter?.Value);
    } catch (error) {
      if (error instanceof ParameterNotFound) return parseMonitorState(undefined);
      throw error;
    }
  }

  async save(state: MonitorState): Promise<void> {
    const value = JSON.stringify(state);
    if (Buffer.byteLength(value) > MAX_PARAMETER_BYTES) {
      throw new RangeError(
        `monitor state is ${Buffer.byteLength(value)} bytes, more than an SSM parameter holds (${MAX_PARAMETER_BYTES})`,
      );
    }
    await this.ssm.send(
      new PutParameterCommand({
        Name: this.parameterName,
        Value: value,
        Type: 'String',
        Overwrite: true,
        // Standard parameters stop at 4 KB; intelligent tiering moves to advanced only when needed.
        Tier: 'Intelligent-Tiering',
      }),
    );
  }
}
