import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Stands in, in the Lambda bundles only, for `@aws-sdk/credential-provider-node`'s `defaultProvider`
 * (an esbuild alias in `cells/constructs/CellFunction.ts`). Every SDK client imports that chain
 * statically: SSO, INI files, credential processes, web identity and IMDS, with the nested STS,
 * SSO, SSO-OIDC and sign-in clients they need — about 100 KB of every bundle that Lambda never
 * uses, because Lambda hands the execution role's credentials to the function as environment
 * variables. So: the environment, and the container endpoint (`AWS_CONTAINER_CREDENTIALS_*_URI`)
 * where a Lambda environment provides credentials that way; anything else is an error that says
 * what is missing. Outside the bundles (local cell, tests, CLI) the SDK's own chain runs.
 */
const CONTAINER_URI_VARIABLES = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];

export function defaultProvider(init: Parameters<typeof fromEnv>[0] = {}): AwsCredentialIdentityProvider {
  return async (): Promise<AwsCredentialIdentity> => {
    try {
      return await fromEnv(init)();
    } catch (envError) {
      if (CONTAINER_URI_VARIABLES.some((name) => process.env[name])) return fromHttp(init)();
      throw new Error(
        'no AWS credentials: neither AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY nor a container credentials ' +
          'endpoint is set (the Lambda bundle resolves only these; see lambdaCredentialProvider.ts)',
        { cause: envError },
      );
    }
  };
}
