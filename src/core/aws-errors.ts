/**
 * What an AWS SDK error (after the SDK's own retries) means for the caller; each adapter turns it
 * into an error typed by what to do next, with its own words and settings.
 * - `credentials`: no usable credentials were found.
 * - `denied`: the credentials were refused or lack a permission.
 * - `unavailable`: throttled, a server error, or the network: the same call may succeed later.
 * - `rejected`: the service refused the request as given (a missing resource, an invalid value).
 * - `other`: anything else.
 */
export type AwsErrorKind = 'credentials' | 'denied' | 'unavailable' | 'rejected' | 'other';

interface AwsErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'Forbidden',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'UnauthorizedOperation',
]);
const UNAVAILABLE = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'InternalServerException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function awsErrorKind(error: unknown): AwsErrorKind {
  const e = (error ?? {}) as AwsErrorShape;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'CredentialsProviderError' || /credential/i.test(firstLine(e.message))) return 'credentials';
  if (DENIED.has(name) || status === 401 || status === 403) return 'denied';
  if (UNAVAILABLE.has(name) || NETWORK.has(e.code ?? '') || status === 429 || (status ?? 0) >= 500)
    return 'unavailable';
  // No HTTP status at all: the request never got an answer (the network, after the SDK's retries).
  if (status === undefined && e.$metadata !== undefined) return 'unavailable';
  if (status === undefined && NETWORK.has(name)) return 'unavailable';
  if (status !== undefined && status >= 400) return 'rejected';
  return 'other';
}

/** `Name: first line of the message`, for error messages (AWS messages never hold our secrets). */
export function awsErrorText(error: unknown): string {
  const e = (error ?? {}) as AwsErrorShape;
  return `${e.name ?? 'Error'}: ${firstLine(e.message ?? String(error))}`;
}

/** Where AWS credentials come from, for messages about missing ones. */
export const AWS_CREDENTIALS_HELP =
  'AWS credentials come from the standard chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE ' +
  'and ~/.aws files, SSO, or a container/instance role';

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}
