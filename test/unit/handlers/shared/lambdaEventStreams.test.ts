import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_STREAMS_NOT_BUNDLED,
  EventStreamSerde,
  eventStreamSerdeProvider,
  resolveEventStreamSerdeConfig,
} from '../../../../handlers/shared/lambdaEventStreams.ts';

/** A bucket listing as S3 answers it, from a local HTTP server. */
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/xml' });
    response.end(
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Name>parked</Name><KeyCount>1</KeyCount><IsTruncated>false</IsTruncated>' +
        '<Contents><Key>parked/posting/a.json</Key><Size>2</Size></Contents></ListBucketResult>',
    );
  });
});
beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the Lambda bundles stand-in for @smithy/core/event-streams', () => {
  it("resolves a client's marshaller as the SDK does, and the marshaller refuses to stream", () => {
    const config = resolveEventStreamSerdeConfig({ eventStreamSerdeProvider });
    const marshaller = config.eventStreamMarshaller as { serialize: () => never; deserialize: () => never };
    expect(() => marshaller.serialize()).toThrow(EVENT_STREAMS_NOT_BUNDLED);
    expect(() => marshaller.deserialize()).toThrow(EVENT_STREAMS_NOT_BUNDLED);
    expect(() => new EventStreamSerde()).toThrow(EVENT_STREAMS_NOT_BUNDLED);
  });

  it('leaves an S3 client that lists objects (what the monitor asks of its parked store)', async () => {
    const { port } = server.address() as AddressInfo;
    const s3 = new S3Client({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      eventStreamSerdeProvider,
    });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'parked', Prefix: 'parked/' }));
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['parked/posting/a.json']);
  });
});
