import { awsEnvironment, type GatewayUpstreams, type RunningGateway } from '../gateway/index.ts';
import type { CellServices } from './cellServices.ts';
import { type FaultInjector, faultAdmin } from './faults/index.ts';

/** How AWS's SDKs and CLIs reach the cell: the gateway's URL and the environment that points them at it. */
export interface CellGateway {
  /** `http://127.0.0.1:<port>`: `AWS_ENDPOINT_URL`, or `--endpoint-url` of the AWS CLI. */
  readonly url: string;
  /** The cell's admin endpoint (`bems fault`): `<url>/_bems`. */
  readonly adminUrl: string;
  /** `AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_DEFAULT_REGION` and dummy credentials. */
  readonly environment: Readonly<Record<string, string>>;
}

/** Points the gateway at the emulators that have started, and serves the fault rules on its admin path. */
export function connectGateway(
  gateway: RunningGateway,
  endpoints: CellServices['endpoints'],
  faults: FaultInjector,
  region: string,
): CellGateway {
  const upstreams: GatewayUpstreams = {
    sqs: endpoints.sqs,
    sns: endpoints.sns,
    // fauxqs answers STS GetCallerIdentity (what `aws sts get-caller-identity` checks first).
    sts: endpoints.sns,
    eventbridge: endpoints.eventbridge,
    timestream: endpoints.timestream,
    firehose: endpoints.firehose,
    dynamodb: endpoints.dynamodb,
  };
  gateway.setUpstreams(upstreams);
  gateway.setAdmin(faultAdmin(faults));
  return { url: gateway.url, adminUrl: `${gateway.url}/_bems`, environment: awsEnvironment(gateway.url, region) };
}
