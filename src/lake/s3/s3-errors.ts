import { AWS_CREDENTIALS_HELP, awsErrorKind, awsErrorText } from '../../core/aws-errors.js';
import {
  AuthError,
  ConfigError,
  FatalError,
  RetryableError,
  type TweetpipeError,
} from '../../core/errors.js';

/**
 * Turns an AWS SDK error (after the SDK's own retries) into an error typed by what to do next.
 * `what` says what we were doing ("write landing/…"); nothing secret is ever part of the message.
 */
export function s3Error(error: unknown, what: string, bucket: string): TweetpipeError {
  if (error instanceof FatalError || error instanceof RetryableError) return error;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const say = (text: string) => `S3: cannot ${what}: ${text}`;
  const kind = awsErrorKind(error);
  if (kind === 'credentials') {
    return new AuthError(say(`no usable AWS credentials (${AWS_CREDENTIALS_HELP})`), { cause: error });
  }
  if (/region is missing/i.test(awsErrorText(error))) {
    return new ConfigError('AWS_REGION', 'is not set; S3 needs a region (AWS_REGION or a profile with one)');
  }
  if (name === 'NoSuchBucket' || (name === 'NotFound' && what.startsWith('open lake'))) {
    return new ConfigError(
      'TWEETPIPE_LAKE',
      `bucket "${bucket}" does not exist (or is not visible to these credentials)`,
    );
  }
  if (kind === 'denied') {
    return new AuthError(say(`access denied (${name}); check the credentials and the bucket policy`), {
      cause: error,
    });
  }
  // No status at all counts as the network too: S3 answers every request it receives.
  if (kind === 'unavailable' || e?.$metadata?.httpStatusCode === undefined) {
    // The SDK has already retried with backoff: the server or the network is down for now.
    return new RetryableError(say(`${awsErrorText(error)} (after retries; run again later)`), undefined, {
      cause: error,
    });
  }
  return new FatalError(say(awsErrorText(error)), { cause: error });
}
