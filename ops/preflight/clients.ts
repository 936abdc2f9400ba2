import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { IAMClient } from '@aws-sdk/client-iam';
import { QuickSightClient } from '@aws-sdk/client-quicksight';
import { S3TablesClient } from '@aws-sdk/client-s3tables';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';

/** The read-only AWS clients preflight uses, all in one Region with one credential source. */
export interface PreflightClients {
  readonly sts: STSClient;
  readonly cloudFormation: CloudFormationClient;
  readonly serviceQuotas: ServiceQuotasClient;
  readonly timestreamWrite: TimestreamWriteClient;
  readonly s3Tables: S3TablesClient;
  readonly firehose: FirehoseClient;
  readonly quickSight: QuickSightClient;
  readonly iam: IAMClient;
  readonly configService: ConfigServiceClient;
}

/**
 * Clients on the default credential chain (environment, SSO, shared config, instance role), with
 * `--profile` when given. Few retries: a preflight should answer in seconds, and an unreachable
 * endpoint should say so instead of backing off for a minute.
 */
export function createPreflightClients(region: string, profile?: string): PreflightClients {
  const config = { region, maxAttempts: 2, ...(profile ? { profile } : {}) };
  return {
    sts: new STSClient(config),
    cloudFormation: new CloudFormationClient(config),
    serviceQuotas: new ServiceQuotasClient(config),
    timestreamWrite: new TimestreamWriteClient(config),
    s3Tables: new S3TablesClient(config),
    firehose: new FirehoseClient(config),
    quickSight: new QuickSightClient(config),
    iam: new IAMClient(config),
    configService: new ConfigServiceClient(config),
  };
}

export function destroyPreflightClients(clients: PreflightClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
