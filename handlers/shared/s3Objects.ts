import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** One S3 object as UTF-8 text; `undefined` when there is none under `key`. */
export async function getObjectText(client: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await result.Body?.transformToString('utf-8');
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/**
 * Writes a JSON document under `key`; with `kmsKeyId`, SSE-KMS under that key (a bucket policy may
 * refuse other writes). A PutObject that returned is durable and read-after-write consistent.
 */
export async function putJsonObject(
  client: S3Client,
  bucket: string,
  key: string,
  body: string,
  kmsKeyId?: string,
): Promise<void> {
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
      ...(kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId } : {}),
    }),
  );
}
