import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import type { EmulatorPort, PortRequestHandler } from './PortRequestHandler.ts';
import {
  abortError,
  pathOf,
  type SdkHandlerOptions,
  type SdkHttpRequest,
  type SdkHttpResponse,
  timeoutError,
} from './sdkHttp.ts';

/**
 * Cheaper settings for the AWS SDK v3 clients the handlers use in the local cell (EventBridge,
 * SNS, DynamoDB, Timestream Write, Firehose), where every call goes to an emulator on the cell's
 * worker thread — over its port (`PortRequestHandler`, the default) or over loopback HTTP. The
 * clients keep their classes, middleware stack and command serde — the handlers still exercise the real SDK commands and responses — but two per-call costs that buy nothing
 * locally are replaced (`load-tests/micro/sdkClientCost.ts` measures what each is worth), and a
 * third is done once instead of per call:
 *
 * - SigV4 signing: the SDK builds a new signer per call and derives the signing key, hashes the
 *   payload and the canonical request and HMACs the string to sign — about a fifth of the client's
 *   CPU. No emulator checks signatures; the `Authorization` header keeps only the credential scope,
 *   by which the SNS/SQS request counter tells services apart (`classifyAwsRequest`).
 * - The request handler: `@smithy/node-http-handler` arms connection, request, socket and
 *   keep-alive timers and a socket-capacity watchdog per call, and hands back a stream for the SDK
 *   to collect. {@link LoopbackHttpHandler} sends on a keep-alive agent with one socket timeout
 *   and returns the collected body; `PortRequestHandler` posts the request to the emulator thread
 *   without a socket (ADR 0024).
 * - The middleware stack: without `cacheMiddleware` the SDK clones, merges and sorts the client's
 *   and the command's middleware on every `send`; with it, once per command class — 5–10 % of the
 *   SDK's own CPU per call (`load-tests/micro/sdkClientSettings.ts`).
 *
 * The user-agent middleware stays although no emulator reads its header: Powertools (idempotency)
 * places its own middleware relative to it, and a client without it fails every call. Retries,
 * endpoint resolution and timeouts stay as the handler's own config says.
 */

/** What `RequestSigningArguments` carries that the scope needs. */
interface SigningArguments {
  readonly signingRegion?: string;
  readonly signingService?: string;
}

/** The SDK's client config as the handlers build it (`AwsClientConfig`), as far as it matters here. */
interface ClientConfigInput {
  readonly region: string;
  readonly credentials?: { readonly accessKeyId: string };
  readonly requestHandler?: { readonly connectionTimeout?: number; readonly requestTimeout?: number };
}

/** Emulator signatures are not checked; a fixed date keeps the scope's shape (`YYYYMMDD`). */
const SCOPE_DATE = '20260101';

/**
 * An `Authorization` header that carries a SigV4 credential scope and no signature: what the
 * emulators' request counters read the service from (`classifyAwsRequest`).
 */
export function unsignedAuthorization(accessKeyId: string, region: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${SCOPE_DATE}/${region}/${service}/aws4_request, SignedHeaders=host, Signature=unsigned`;
}

/**
 * An SDK `signer` that only writes the SigV4 credential scope (`…/<region>/<service>/aws4_request`)
 * into the `Authorization` header, without a signature: for emulators that do not verify one.
 * `service` is the client's signing name (`events`, `sns`, `timestream`): some clients (SNS) pass
 * none to the signer and leave it to the default signer's own config.
 */
export function credentialScopeSigner(scope: { accessKeyId: string; region: string; service: string }) {
  const byScope = new Map<string, string>();
  return {
    sign: <T extends { headers: Record<string, string> }>(request: T, options: SigningArguments = {}): Promise<T> => {
      const region = options.signingRegion ?? scope.region;
      const service = options.signingService ?? scope.service;
      const key = `${region}/${service}`;
      let authorization = byScope.get(key);
      if (authorization === undefined) {
        authorization = unsignedAuthorization(scope.accessKeyId, region, service);
        byScope.set(key, authorization);
      }
      request.headers.authorization = authorization;
      return Promise.resolve(request);
    },
  };
}

/**
 * A minimal SDK request handler for plain-HTTP loopback endpoints: one keep-alive agent without a
 * socket limit, a socket idle timeout (`requestTimeout`), abort support, and the response body
 * collected before it is handed back. Bodies are strings or bytes (JSON and query protocols);
 * streaming bodies are not supported and rejected.
 */
export class LoopbackHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  private readonly config: { requestTimeout: number };

  constructor(options: { readonly requestTimeout?: number } = {}) {
    this.config = { requestTimeout: options.requestTimeout ?? 10_000 };
  }

  handle(sdkRequest: SdkHttpRequest, options: SdkHandlerOptions = {}): Promise<{ response: SdkHttpResponse }> {
    const { abortSignal } = options;
    if (abortSignal?.aborted) return Promise.reject(abortError());
    if (sdkRequest.protocol !== 'http:')
      return Promise.reject(new Error(`LoopbackHttpHandler sends plain HTTP only, got ${sdkRequest.protocol}`));
    const body = sdkRequest.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array))
      return Promise.reject(new Error('LoopbackHttpHandler does not send streaming bodies'));
    const timeoutMs = options.requestTimeout ?? this.config.requestTimeout;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: sdkRequest.hostname,
          port: sdkRequest.port,
          method: sdkRequest.method,
          path: pathOf(sdkRequest),
          headers: sdkRequest.headers,
          agent: this.agent,
          ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              response: {
                statusCode: res.statusCode ?? -1,
                ...(res.statusMessage ? { reason: res.statusMessage } : {}),
                headers: flattenHeaders(res.headers),
                body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
              },
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(timeoutError(timeoutMs)));
      req.on('error', reject);
      if (abortSignal && 'addEventListener' in abortSignal) {
        const onAbort = () => {
          req.destroy(abortError());
        };
        abortSignal.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => abortSignal.removeEventListener('abort', onAbort));
      }
      req.end(body ?? undefined);
    });
  }

  updateHttpClientConfig(key: 'requestTimeout', value: number): void {
    this.config[key] = value;
  }

  httpHandlerConfigs(): { requestTimeout: number } {
    return { ...this.config };
  }

  /** Closes the kept-alive sockets (the SDK calls this from `client.destroy()`). */
  destroy(): void {
    this.agent.destroy();
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * `config` (a handler's own client config, from its environment) with the local cell's cheaper
 * signer and request handler; everything else — region, endpoint, retries — unchanged.
 * `signingName` is the service's SigV4 name, for the credential scope (see {@link credentialScopeSigner}).
 * With `port`, requests go over the port to the emulator worker instead of loopback HTTP.
 */
export function loopbackSdkClientConfig<T extends ClientConfigInput>(
  config: T,
  signingName: 'events' | 'sns' | 'timestream' | 'firehose' | 'dynamodb',
  port?: EmulatorPort,
): Omit<T, 'requestHandler'> & {
  signer: ReturnType<typeof credentialScopeSigner>;
  requestHandler: LoopbackHttpHandler | PortRequestHandler;
  cacheMiddleware: boolean;
} {
  const requestTimeout = config.requestHandler?.requestTimeout;
  const timeout = requestTimeout !== undefined ? { requestTimeout } : {};
  return {
    ...config,
    // The SDK's own option: resolve each command's middleware chain once and reuse it, instead of
    // cloning and sorting the client's and the command's stacks on every call. Safe as long as no
    // middleware is added after the first call; the cell adds none.
    cacheMiddleware: true,
    signer: credentialScopeSigner({
      accessKeyId: config.credentials?.accessKeyId ?? 'local',
      region: config.region,
      service: signingName,
    }),
    requestHandler: port ? port.handler(signingName, timeout) : new LoopbackHttpHandler(timeout),
  };
}
