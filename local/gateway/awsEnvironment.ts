import { LOCAL_CREDENTIALS } from '../sns-sqs/index.ts';

/**
 * The environment that points AWS's SDKs and CLIs at the gateway: the endpoint, the cell's Region
 * (`AWS_REGION` for the JavaScript SDK, `AWS_DEFAULT_REGION` for botocore and the CLIs) and
 * credentials, which the emulators accept whatever they are but every SDK insists on having.
 */
export function awsEnvironment(gatewayUrl: string, region: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: gatewayUrl,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
}
