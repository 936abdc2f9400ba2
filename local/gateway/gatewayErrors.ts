import type { GatewayRoute } from './routeRequest.ts';

/** An error the gateway answers itself (no emulator for the request, or none reachable), in its protocol. */
export interface GatewayAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** In the request's protocol, so that the SDK shows the code and, for 503, retries. */
export function gatewayError(
  protocol: GatewayRoute['protocol'] | undefined,
  status: number,
  code: string,
  message: string,
): GatewayAnswer {
  if (protocol === 'query')
    return {
      status,
      contentType: 'text/xml',
      body:
        `<?xml version="1.0"?><ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
        `<Code>${code}</Code><Message>${xmlText(message)}</Message></Error><RequestId>gateway</RequestId></ErrorResponse>`,
    };
  return {
    status,
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify({ __type: code, message }),
  };
}

function xmlText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
