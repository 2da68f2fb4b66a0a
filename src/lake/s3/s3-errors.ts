import {
  AuthError,
  ConfigError,
  FatalError,
  RetryableError,
  type TweetpipeError,
} from '../../core/errors.js';

const CREDENTIALS_HELP =
  'AWS credentials come from the standard chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE ' +
  'and ~/.aws files, SSO, or a container/instance role';

/**
 * Turns an AWS SDK error (after the SDK's own retries) into an error typed by what to do next.
 * `what` says what we were doing ("write landing/…"); nothing secret is ever part of the message.
 */
export function s3Error(error: unknown, what: string, bucket: string): TweetpipeError {
  if (error instanceof FatalError || error instanceof RetryableError) return error;
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const detail = (e?.message ?? String(error)).split('\n')[0];
  const say = (text: string) => `S3: cannot ${what}: ${text}`;
  if (name === 'CredentialsProviderError' || /credential/i.test(detail ?? '')) {
    return new AuthError(say(`no usable AWS credentials (${CREDENTIALS_HELP})`), { cause: error });
  }
  if (/region is missing/i.test(detail ?? '')) {
    return new ConfigError('AWS_REGION', 'is not set; S3 needs a region (AWS_REGION or a profile with one)');
  }
  if (name === 'NoSuchBucket' || (name === 'NotFound' && what.startsWith('open lake'))) {
    return new ConfigError(
      'TWEETPIPE_LAKE',
      `bucket "${bucket}" does not exist (or is not visible to these credentials)`,
    );
  }
  if (
    status === 401 ||
    status === 403 ||
    ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden', 'ExpiredToken'].includes(
      name,
    )
  ) {
    return new AuthError(say(`access denied (${name}); check the credentials and the bucket policy`), {
      cause: error,
    });
  }
  if ((status !== undefined && status >= 500) || status === 429 || status === undefined) {
    // The SDK has already retried with backoff: the server or the network is down for now.
    return new RetryableError(say(`${name}: ${detail} (after retries; run again later)`), undefined, {
      cause: error,
    });
  }
  return new FatalError(say(`${name}: ${detail}`), { cause: error });
}
