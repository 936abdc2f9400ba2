import {
  DeleteMessageBatchCommand,
  type DeleteMessageBatchCommandInput,
  type DeleteMessageBatchCommandOutput,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  type ReceiveMessageCommandOutput,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { LoopbackHttpHandler, unsignedAuthorization } from './loopbackSdkClientConfig.ts';
import type { PortRequestHandler } from './PortRequestHandler.ts';

type Output<T> = Omit<T, '$metadata'>;

/**
 * The SQS calls the local cell's own plumbing makes — Lambda's pollers (receive, delete) and the
 * EventBridge emulator's deliveries (send) — which on AWS are made by AWS services, not by our code.
 */
export interface SqsMessaging {
  receiveMessage(input: ReceiveMessageCommandInput): Promise<Output<ReceiveMessageCommandOutput>>;
  deleteMessageBatch(input: DeleteMessageBatchCommandInput): Promise<Output<DeleteMessageBatchCommandOutput>>;
  sendMessageBatch(input: SendMessageBatchCommandInput): Promise<Output<SendMessageBatchCommandOutput>>;
}

/** {@link SqsMessaging} through an AWS SDK client (tests, and anything that must go through the SDK). */
export function sdkSqsMessaging(client: SQSClient): SqsMessaging {
  return {
    receiveMessage: (input) => client.send(new ReceiveMessageCommand(input)),
    deleteMessageBatch: (input) => client.send(new DeleteMessageBatchCommand(input)),
    sendMessageBatch: (input) => client.send(new SendMessageBatchCommand(input)),
  };
}

/** An SQS error answer, named by its `__type` like the SDK's exceptions (e.g. `QueueDoesNotExist`). */
export class SqsJsonError extends Error {
  override readonly name: string;
  readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode: number };

  constructor(type: string, message: string, statusCode: number) {
    super(message);
    this.name = type;
    this.$fault = statusCode < 500 ? 'client' : 'server';
    this.$metadata = { httpStatusCode: statusCode };
  }
}

export interface SqsJsonClientOptions {
  /** The emulator's endpoint, e.g. `http://127.0.0.1:4566`; queue URLs' hosts are ignored, as with the SDK's explicit endpoint. */
  readonly endpoint: string;
  readonly region: string;
  /** A request gets this long beyond its long-poll wait before it is abandoned. @default 10000 */
  readonly timeoutMs?: number;
  /**
   * Sends through this instead of loopback HTTP (`endpoint` is then unused): the port to the
   * emulator worker (`port.handler('sqs')`), or fauxqs on the same thread (`inThreadRequestHandler`).
   */
  readonly requestHandler?: Pick<PortRequestHandler, 'handle' | 'destroy'>;
}

/**
 * SQS's JSON protocol (`AmazonSQS.<Action>`, `application/x-amz-json-1.0`) over keep-alive
 * loopback HTTP — or, with `port`, over the port to the emulator worker — without the SDK's
 * middleware stack. The SDK spends about half of the CPU of such
 * a call on endpoint rules, retries, SigV4 and schema serde (`load-tests/micro/sdkVsRawSqs.ts`:
 * 1.8–2.3 ms vs 0.7–0.9 ms per call, server side included), and these calls are most of the local
 * cell's SQS traffic. The emulator does not check signatures; the `Authorization` header carries
 * only the credential scope, by which the cell's request counter tells services apart.
 * Errors: an error answer rejects with {@link SqsJsonError}; no answer within the wait plus
 * `timeoutMs` rejects with a `TimeoutError`; network errors (a refused port too) reject as they are.
 * Callers retry (pollers back off; deliveries retry with backoff), as they would with the SDK.
 */
export class SqsJsonClient implements SqsMessaging {
  private readonly url: URL;
  private readonly http: Pick<LoopbackHttpHandler, 'handle' | 'destroy'>;
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(options: SqsJsonClientOptions) {
    this.url = new URL(options.endpoint);
    this.http = options.requestHandler ?? new LoopbackHttpHandler();
    this.authorization = unsignedAuthorization('local', options.region, 'sqs');
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async receiveMessage(input: ReceiveMessageCommandInput): Promise<Output<ReceiveMessageCommandOutput>> {
    const output = await this.call<Output<ReceiveMessageCommandOutput>>(
      'ReceiveMessage',
      input,
      (input.WaitTimeSeconds ?? 0) * 1000,
    );
    // The wire carries binary attribute values as base64; the SDK (and toSqsRecord) use bytes.
    for (const message of output.Messages ?? []) {
      for (const value of Object.values(message.MessageAttributes ?? {})) {
        if (typeof value.BinaryValue === 'string') value.BinaryValue = Buffer.from(value.BinaryValue, 'base64');
      }
    }
    return output;
  }

  deleteMessageBatch(input: DeleteMessageBatchCommandInput): Promise<Output<DeleteMessageBatchCommandOutput>> {
    return this.call('DeleteMessageBatch', input);
  }

  sendMessageBatch(input: SendMessageBatchCommandInput): Promise<Output<SendMessageBatchCommandOutput>> {
    // Only a send can carry bytes (binary attribute values), which the wire carries as base64.
    const payload = JSON.stringify(input, (_key, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
    );
    return this.call('SendMessageBatch', payload);
  }

  /** Closes the kept-alive sockets. */
  destroy(): void {
    this.http.destroy();
  }

  /** `input` is the request object, or its JSON when the caller serialized it already. */
  private async call<T>(action: string, input: object | string, waitMs = 0): Promise<T> {
    const payload = typeof input === 'string' ? input : JSON.stringify(input);
    // The same lean transport as the handlers' loopback SDK clients; a long poll gets its wait on top.
    const { response } = await this.http.handle(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: this.url.hostname,
        port: Number(this.url.port),
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `AmazonSQS.${action}`,
          authorization: this.authorization,
          'content-length': String(Buffer.byteLength(payload)),
        },
        body: payload,
      },
      { requestTimeout: waitMs + this.timeoutMs, longPoll: waitMs > 0 },
    );
    const status = response.statusCode;
    const { body: bytes } = response;
    // A view, not a copy (`Buffer.from(bytes)` would copy every answer once more before decoding).
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    let body: { __type?: string; message?: string; Message?: string } = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new SqsJsonError('InvalidResponse', `SQS ${action}: not JSON (HTTP ${status})`, 502);
    }
    if (status < 400) return body as T;
    const type = (body.__type ?? `HTTP${status}`).split('#').pop()!;
    throw new SqsJsonError(type, body.message ?? body.Message ?? `SQS ${action} failed`, status);
  }
}
