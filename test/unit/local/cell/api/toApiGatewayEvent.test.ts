import { describe, expect, it } from 'vitest';
import { toApiGatewayEvent } from '../../../../../local/cell/api/toApiGatewayEvent.ts';

const route = {
  resourcePath: '/invoices/posting',
  pathParameters: null,
  apiStage: 'local',
  accountId: '000000000000',
  apiKey: 'key-1',
  apiKeyId: 'key-id-1',
  domainName: '127.0.0.1:4010',
  requestId: 'req-1',
  now: 1_764_322_200_000,
};

describe('toApiGatewayEvent', () => {
  it('builds a REST proxy event v1 with single- and multi-value headers, identity and resource path', () => {
    // Act
    const event = toApiGatewayEvent(
      {
        method: 'POST',
        path: '/invoices/posting',
        query: new URLSearchParams('a=1&a=2&b=3'),
        rawHeaders: ['Content-Type', 'application/json', 'X-Tag', 'one', 'X-Tag', 'two', 'User-Agent', 'curl/8'],
        body: Buffer.from('{"x":1}'),
        sourceIp: '127.0.0.1',
      },
      route,
    );

    // Assess
    expect(event).toMatchObject({
      resource: '/invoices/posting',
      path: '/invoices/posting',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Tag': 'two' },
      multiValueHeaders: { 'X-Tag': ['one', 'two'] },
      queryStringParameters: { a: '2', b: '3' },
      multiValueQueryStringParameters: { a: ['1', '2'], b: ['3'] },
      pathParameters: null,
      body: '{"x":1}',
      isBase64Encoded: false,
      requestContext: {
        requestId: 'req-1',
        stage: 'local',
        resourcePath: '/invoices/posting',
        path: '/local/invoices/posting',
        requestTimeEpoch: route.now,
        identity: { apiKey: 'key-1', apiKeyId: 'key-id-1', sourceIp: '127.0.0.1', userAgent: 'curl/8' },
      },
    });
  });

  it('passes a body that is not UTF-8 base64-encoded, byte for byte, and an empty one as null', () => {
    // Prepare
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const request = {
      method: 'POST',
      path: '/invoices/posting',
      query: new URLSearchParams(),
      rawHeaders: [],
      sourceIp: '::1',
    };

    // Act
    const binary = toApiGatewayEvent({ ...request, body: bytes }, route);
    const empty = toApiGatewayEvent({ ...request, body: Buffer.alloc(0) }, route);

    // Assess
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, 'base64')).toEqual(bytes);
    expect(empty.body).toBeNull();
    expect(empty.queryStringParameters).toBeNull();
  });

  it('decodes each body on its own: a malformed one leaves the next untouched', () => {
    const request = { method: 'POST', path: '/invoices/posting', query: new URLSearchParams(), rawHeaders: [] };
    const at = (body: Buffer) => toApiGatewayEvent({ ...request, body, sourceIp: '::1' }, route);

    // A truncated 3-byte sequence, then text starting with a BOM and a multi-byte character.
    const broken = at(Buffer.from([0x7b, 0xe2, 0x82]));
    const next = at(Buffer.from('\ufeff{"é":1}', 'utf8'));

    expect(broken.isBase64Encoded).toBe(true);
    expect(next.isBase64Encoded).toBe(false);
    expect(next.body).toBe('\ufeff{"é":1}');
  });
});
