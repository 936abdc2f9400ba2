import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { AuditRecord, ParkedMessage } from '../../../schemas/parkedMessage.ts';
import { getObjectText, putJsonObject } from '../s3Objects.ts';
import { auditKey, byParkedAt, type ParkedStore, parkedKey, parseAudit, parseParked } from './ParkedStore.ts';

export interface S3ParkedStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix of the store inside the bucket, e.g. `dlq/`. @default '' */
  readonly prefix?: string;
  /** The cell key: every object is written with SSE-KMS under it (the bucket policy refuses others). */
  readonly kmsKeyId?: string;
}

/**
 * The parked store of an AWS cell: one object per parked message and audit record in the cell's
 * parked-messages bucket (`cells/constructs/DlqRecoveryStore.ts`: KMS with the cell key, TLS only,
 * versioned). A PutObject that returned is durable (S3 is strongly read-after-write consistent), so
 * the DLQ message may be deleted after it.
 */
export class S3ParkedStore implements ParkedStore {
  readonly location: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #kmsKeyId: string | undefined;

  constructor(options: S3ParkedStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? '';
    this.#kmsKeyId = options.kmsKeyId;
    this.location = `s3://${options.bucket}/${this.#prefix}`;
  }

  async put(message: ParkedMessage): Promise<void> {
    await this.#put(parkedKey(message.id), JSON.stringify(message));
  }

  async get(id: string): Promise<ParkedMessage | undefined> {
    const text = await this.#get(this.#prefix + parkedKey(id));
    return text === undefined ? undefined : parseParked(text, `${this.location}${parkedKey(id)}`);
  }

  async list(prefix = ''): Promise<ParkedMessage[]> {
    const keys = await this.#keys(`${this.#prefix}parked/${prefix}`);
    const messages: ParkedMessage[] = [];
    for (const key of keys) {
      const text = await this.#get(key);
      // Deleted between the listing and the read: no longer parked.
      if (text !== undefined) messages.push(parseParked(text, `s3://${this.#bucket}/${key}`));
    }
    return messages.sort(byParkedAt);
  }

  async remove(id: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + parkedKey(id) }));
  }

  async audit(record: AuditRecord): Promise<void> {
    await this.#put(auditKey(record), JSON.stringify(record));
  }

  async auditTrail(): Promise<AuditRecord[]> {
    const keys = (await this.#keys(`${this.#prefix}audit/`)).sort();
    const records: AuditRecord[] = [];
    for (const key of keys) {
      const text = await this.#get(key);
      if (text !== undefined) records.push(parseAudit(text, `s3://${this.#bucket}/${key}`));
    }
    return records;
  }

  async #put(key: string, body: string): Promise<void> {
    await putJsonObject(this.#client, this.#bucket, this.#prefix + key, body, this.#kmsKeyId);
  }

  #get(key: string): Promise<string | undefined> {
    return getObjectText(this.#client, this.#bucket, key);
  }

  async #keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) if (object.Key?.endsWith('.json')) keys.push(object.Key);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys;
  }
}
