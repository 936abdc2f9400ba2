import { Aws, Fn, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What happens to a resource that keeps the cell's data: CloudFormation's `RetainExceptOnCreate`
 * (deletion) and `Retain` (update-replace).
 *
 * - A failed first create rolls back and deletes it, so nothing is left behind to collide with the
 *   retry — the reason it is not plain `Retain`, which keeps every named resource of a failed
 *   create and makes the next `cdk deploy` fail with "already exists".
 * - A deliberate stack delete keeps it: the data is the audit record and the source of recovery
 *   (docs/OPERATIONS.md, "Deleting a cell", says what is kept and how to remove it).
 * - A replacement keeps the old resource with its data (a named resource is never replaced: the
 *   update fails instead).
 */
export const CELL_DATA_REMOVAL_POLICY = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

/** What every construct that keeps the cell's data is given: the cell key, and whether the data outlives the stack. */
export interface CellDataProps {
  /** Encrypts the data at rest. */
  readonly encryptionKey: kms.IKey;
  /**
   * The data is the audit record and the source of recovery: it outlives the stack unless a
   * construct says otherwise.
   * @default CELL_DATA_REMOVAL_POLICY (RetainExceptOnCreate)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** What happens to a data construct's resources: its own `removalPolicy` when given, else `CELL_DATA_REMOVAL_POLICY`. */
export function dataRemovalPolicy(props: Pick<CellDataProps, 'removalPolicy'>): RemovalPolicy {
  return props.removalPolicy ?? CELL_DATA_REMOVAL_POLICY;
}

/**
 * The first group of the stack id's UUID (8 hex digits), new for every stack created — also for a
 * stack of the same name created again after a delete. Part of the name of a retained resource
 * whose name is unique per account and Region, it keeps the resource a deleted stack kept from
 * blocking the next create of the same cell.
 */
export function stackUniqueSuffix(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
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
