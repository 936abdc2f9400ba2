import type * as iam from 'aws-cdk-lib/aws-iam';

/** The analytics store the consumers write to: what it grants, and whether it is Timestream. */
export interface ConsumerStore {
  /** `TimeseriesStore.grantWrite` or `LakehouseStore.grantPut`. */
  readonly grantWrite: (grantee: iam.IGrantable) => unknown;
  /** Timestream's endpoint discovery is an action without a resource scope (acknowledged on the role). */
  readonly endpointDiscovery: boolean;
}
