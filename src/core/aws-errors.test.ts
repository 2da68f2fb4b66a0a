import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awsErrorKind, awsErrorText } from './aws-errors.js';

/** An error shaped as the AWS SDK v3 throws them. */
const sdk = (name: string, status?: number, message = 'x') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('awsErrorKind', () => {
  it('sorts AWS SDK errors by what to do next', () => {
    const cases: [unknown, string][] = [
      [
        Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        }),
        'credentials',
      ],
      [sdk('AccessDeniedException', 400), 'denied'],
      [sdk('SomethingElse', 403), 'denied'],
      [sdk('ExpiredTokenException', 400), 'denied'],
      [sdk('ThrottlingException', 400), 'unavailable'],
      [sdk('InternalServerException', 500), 'unavailable'],
      [sdk('Whatever', 503), 'unavailable'],
      [sdk('TooManyRequestsException', 429), 'unavailable'],
      [sdk('TimeoutError', undefined), 'unavailable'],
      [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'unavailable'],
      [sdk('ResourceNotFoundException', 404), 'rejected'],
      [sdk('ValidationException', 400), 'rejected'],
      [new Error('a bug'), 'other'],
      [undefined, 'other'],
    ];
    for (const [error, kind] of cases) assert.equal(awsErrorKind(error), kind, awsErrorText(error));
  });

  it('describes an error by its name and the first line of its message', () => {
    assert.equal(
      awsErrorText(sdk('ValidationException', 400, 'bad role\nmore')),
      'ValidationException: bad role',
    );
    assert.equal(awsErrorText('plain'), 'Error: plain');
  });
});
