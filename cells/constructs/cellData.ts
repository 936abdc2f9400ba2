import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** What every construct that keeps the cell's data is given: the cell key, and whether the data outlives the stack. */
export interface CellDataProps {
  /** Encrypts the data at rest. */
  readonly encryptionKey: kms.IKey;
  /**
   * The data is the audit record and the source of recovery: it outlives the stack unless a
   * construct says otherwise.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The settings every bucket of a cell has: encrypted with the cell key (with an S3 bucket key, so
 * not every object is a KMS call), TLS only, never public, ACLs off.
 */
export function encryptedBucketProps(encryptionKey: kms.IKey) {
  return {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  } satisfies s3.BucketProps;
}
