import type { Template } from 'aws-cdk-lib/assertions';
import { resourcesOf } from './templateQueries.ts';

/**
 * The `$context` values API Gateway would substitute into a gateway response (or a mock
 * integration's response template) for one request. Only what BEMS's templates use: rendering a
 * template that names anything else throws, so a new variable cannot slip in unrendered.
 */
export interface GatewayContext {
  readonly requestId: string;
  /** `$context.error.messageString`: API Gateway's own message, e.g. "Forbidden". */
  readonly messageString?: string;
  /** `$context.error.responseType`, e.g. INVALID_API_KEY. */
  readonly responseType?: string;
  /** `$context.error.validationErrorString`: the request validator's one message. */
  readonly validationErrorString?: string;
}

/** A gateway response as a client receives it. */
export interface RenderedResponse {
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/**
 * Substitutes `$context` variables the way API Gateway does in gateway responses (no VTL):
 * `messageString` arrives as a quoted JSON string, `validationErrorString` JSON-escaped without
 * quotes (the template puts it inside quotes), the others verbatim.
 */
export function renderTemplate(template: string, context: GatewayContext): string {
  return template.replace(/\$context\.([A-Za-z.]+[A-Za-z])/g, (_match, name: string) => {
    const value = (field: string | undefined) => {
      if (field === undefined) throw new Error(`no value given for $context.${name}`);
      return field;
    };
    switch (name) {
      case 'requestId':
        return context.requestId;
      case 'error.messageString':
        return JSON.stringify(value(context.messageString));
      case 'error.responseType':
        return value(context.responseType);
      case 'error.validationErrorString':
        return JSON.stringify(value(context.validationErrorString)).slice(1, -1);
      default:
        throw new Error(`the renderer does not know $context.${name}`);
    }
  });
}

/** The gateway response of `responseType` in a synthesized template, keyed by response type. */
export function gatewayResponsesOf(template: Template): Map<string, Record<string, unknown>> {
  return new Map(
    [...resourcesOf(template, 'AWS::ApiGateway::GatewayResponse').values()].map((resource) => [
      resource.Properties.ResponseType as string,
      resource.Properties,
    ]),
  );
}

/**
 * What a client receives when API Gateway answers with the gateway response `properties`: its
 * status, its static headers (`'value'` literals) and the rendered JSON body.
 */
export function renderGatewayResponse(properties: Record<string, unknown>, context: GatewayContext): RenderedResponse {
  const parameters = (properties.ResponseParameters ?? {}) as Record<string, string>;
  const headers = Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => {
      const literal = /^'(.*)'$/.exec(value);
      if (!literal) throw new Error(`${name} is not a static header value: ${value}`);
      return [name.replace(/^gatewayresponse\.header\./, '').toLowerCase(), literal[1]!];
    }),
  );
  const templates = properties.ResponseTemplates as Record<string, string>;
  return {
    status: properties.StatusCode === undefined ? undefined : Number(properties.StatusCode),
    headers,
    body: JSON.parse(renderTemplate(templates['application/json']!, context)),
  };
}
