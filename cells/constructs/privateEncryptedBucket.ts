import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';
import { encryptedBucketProps } from './cellData.ts';

export interface PrivateEncryptedBucketProps {
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** Objects expire this long after they were written. */
  readonly expiration: Duration;
  /** Why the bucket has no server access log (cdk-nag AwsSolutions-S1), read in the validation report. */
  readonly accessLogReason: string;
}

/**
 * A bucket only the cell's services write and only operators read: encrypted with the cell key,
 * with the cell's bucket settings (`encryptedBucketProps`), versioned, and expiring what it holds.
 */
export function privateEncryptedBucket(scope: Construct, id: string, props: PrivateEncryptedBucketProps): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...encryptedBucketProps(props.encryptionKey),
    versioned: true,
    removalPolicy: props.removalPolicy,
    lifecycleRules: [{ expiration: props.expiration, noncurrentVersionExpiration: Duration.days(30) }],
  });
  // The TLS-only policy stays with a kept bucket.
  bucket.policy?.applyRemovalPolicy(props.removalPolicy);
  acknowledge(bucket, 'AwsSolutions-S1', props.accessLogReason);
  return bucket;
}
