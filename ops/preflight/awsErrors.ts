import { TargetError } from '../errors.ts';

/**
 * How preflight reads AWS errors. Three kinds end the run with one line (no credentials, an
 * expired session, no network): nothing else can be checked then. Access denied and "not found"
 * are answers a check interprets; anything else becomes a warning of the check that met it.
 */

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'RequestExpired']);
const INVALID = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch']);
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH']);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);

interface AwsLikeError {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function asAws(error: unknown): AwsLikeError {
  return typeof error === 'object' && error !== null ? (error as AwsLikeError) : { message: String(error) };
}

export function errorName(error: unknown): string {
  return asAws(error).name ?? 'Error';
}

export function errorText(error: unknown): string {
  const e = asAws(error);
  return `${e.name ?? 'Error'}: ${e.message ?? ''}`.trim();
}

export function isAccessDenied(error: unknown): boolean {
  const e = asAws(error);
  return ACCESS_DENIED.has(e.name ?? '') || e.$metadata?.httpStatusCode === 403;
}

export function isNotFound(error: unknown, ...names: readonly string[]): boolean {
  const name = asAws(error).name ?? '';
  return names.includes(name) || name === 'ResourceNotFoundException' || name === 'NoSuchEntityException';
}

/** An IAM denial of the caller (a missing permission), as opposed to the service refusing the account. */
export function isCallerNotAuthorized(error: unknown): boolean {
  return isAccessDenied(error) && /not authorized to perform/i.test(asAws(error).message ?? '');
}

/** The service endpoint does not resolve or answer: after STS answered, the service is not in this Region. */
export function isUnreachableEndpoint(error: unknown): boolean {
  const e = asAws(error);
  return NETWORK_CODES.has(e.code ?? '') || NETWORK_CODES.has(e.name ?? '') || /getaddrinfo/i.test(e.message ?? '');
}

/** Expired or missing credentials met by a later check: still the end of the run. */
export function throwIfCredentialsFailed(error: unknown, where: { profile?: string; region: string }): void {
  if (isUnreachableEndpoint(error)) return;
  throwIfFatal(error, where);
}

/**
 * The one line for an error that stops preflight, or undefined when the error is an answer a
 * check can use. `where` names the profile and Region, so the hint can point at them.
 */
export function fatalReason(error: unknown, where: { profile?: string; region: string }): string | undefined {
  const e = asAws(error);
  const name = e.name ?? '';
  const message = e.message ?? '';
  const profile = where.profile ? ` --profile ${where.profile}` : '';
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message))
    return `no AWS credentials found${where.profile ? ` for profile "${where.profile}"` : ''}: run \`aws configure${profile}\` or \`aws sso login${profile}\`, or set AWS_PROFILE`;
  if (EXPIRED.has(name) || /token .*expired|session .*expired|expired.*token/i.test(message))
    return `the AWS session has expired: run \`aws sso login${profile}\` (or refresh the credentials) and try again`;
  if (INVALID.has(name))
    return `the AWS credentials are not valid (${name}): check the access key${where.profile ? ` of profile "${where.profile}"` : ''}`;
  if (
    NETWORK_CODES.has(e.code ?? '') ||
    NETWORK_CODES.has(name) ||
    name === 'TimeoutError' ||
    /getaddrinfo|socket hang up/i.test(message)
  )
    return `cannot reach AWS in ${where.region} (${e.code ?? name}): check the network, proxy (HTTPS_PROXY) or VPN`;
  return undefined;
}

/** Rethrows an error that stops preflight as a TargetError (exit 3, one line); returns otherwise. */
export function throwIfFatal(error: unknown, where: { profile?: string; region: string }): void {
  const reason = fatalReason(error, where);
  if (reason) throw new TargetError(reason, { cause: error });
}
