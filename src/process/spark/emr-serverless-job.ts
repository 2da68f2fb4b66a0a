import {
  CancelJobRunCommand,
  EMRServerlessClient,
  GetJobRunCommand,
  StartJobRunCommand,
} from '@aws-sdk/client-emr-serverless';
import { AWS_CREDENTIALS_HELP, awsErrorKind, awsErrorText } from '../../core/aws-errors.js';
import {
  AuthError,
  ConfigError,
  FatalError,
  RetryableError,
  StoppedError,
  TweetpipeError,
} from '../../core/errors.js';
import type { Progress } from '../../core/progress.js';
import { sleep } from '../../core/sleep.js';
import type { EmrServerlessTarget } from './emr-target.js';

export interface EmrJob {
  name: string;
  /** Idempotency token: starting the same job twice starts it once. */
  clientToken: string;
  entryPoint: string;
  entryPointArguments: string[];
  sparkSubmitParameters: string;
}

const TERMINAL = new Set(['SUCCESS', 'FAILED', 'CANCELLED']);

/**
 * Starts the job on EMR Serverless and follows it to the end, showing each state it passes
 * through; resolves on SUCCESS, fails with EMR's own account of the failure otherwise. `signal`
 * aborting while following cancels the job run rather than leaving it to run unwatched.
 */
export async function runOnEmrServerless(
  target: EmrServerlessTarget,
  job: EmrJob,
  progress: Progress,
  signal?: AbortSignal,
): Promise<string> {
  const client = new EMRServerlessClient({});
  let jobRunId: string;
  try {
    const started = await client.send(
      new StartJobRunCommand({
        applicationId: target.applicationId,
        executionRoleArn: target.roleArn,
        clientToken: job.clientToken,
        name: job.name,
        jobDriver: {
          sparkSubmit: {
            entryPoint: job.entryPoint,
            entryPointArguments: job.entryPointArguments,
            sparkSubmitParameters: job.sparkSubmitParameters,
          },
        },
      }),
    );
    jobRunId = started.jobRunId!;
  } catch (e) {
    throw emrError(e, `start the job on application ${target.applicationId}`);
  }
  progress.info(`process: EMR Serverless job run ${jobRunId} started on application ${target.applicationId}`);
  const began = Date.now();
  let last = '';
  try {
    for (;;) {
      if (signal?.aborted) {
        // Ctrl-C, or Airflow stopping the task (SIGTERM): cancel the run rather than leave it unwatched.
        const name = String(signal.reason);
        progress.info(`process: ${name} — cancelling EMR Serverless job run ${jobRunId}`);
        await client
          .send(new CancelJobRunCommand({ applicationId: target.applicationId, jobRunId }))
          .catch(() => {});
        throw new StoppedError(name, `stopped by ${name}; EMR Serverless job run ${jobRunId} was cancelled`);
      }
      const run = (await client.send(new GetJobRunCommand({ applicationId: target.applicationId, jobRunId })))
        .jobRun;
      const state = run?.state ?? 'UNKNOWN';
      if (state !== last) {
        progress.info(`process: EMR Serverless job run ${jobRunId}: ${state}`);
        last = state;
      }
      if (TERMINAL.has(state)) {
        if (state === 'SUCCESS') return jobRunId;
        throw new FatalError(
          `EMR Serverless job run ${jobRunId} ended ${state}: ${run?.stateDetails || 'no details given'} ` +
            `(application ${target.applicationId}; the driver's logs are in the application's log destination)`,
        );
      }
      progress.update(
        `process: EMR Serverless job run ${jobRunId}: ${state}, ${Math.round((Date.now() - began) / 1000)} s`,
      );
      await sleep(target.pollMs ?? 10_000, signal);
    }
  } catch (e) {
    if (e instanceof TweetpipeError) throw e;
    // Nothing is committed until the run's output is read back: running again processes the batches anew.
    throw emrError(e, `follow job run ${jobRunId} (it may still be running on EMR Serverless)`);
  } finally {
    client.destroy();
  }
}

/** An EMR Serverless SDK error, typed by what to do next. */
function emrError(error: unknown, what: string): TweetpipeError {
  const say = `EMR Serverless: cannot ${what}: ${awsErrorText(error)}`;
  const name = (error as { name?: string })?.name;
  switch (awsErrorKind(error)) {
    case 'credentials':
      return new AuthError(`${say} (${AWS_CREDENTIALS_HELP})`, { cause: error });
    case 'denied':
      return new AuthError(
        `${say}; check the credentials' IAM policy (emr-serverless:StartJobRun, GetJobRun, CancelJobRun, iam:PassRole on the job role)`,
        { cause: error },
      );
    case 'unavailable':
      return new RetryableError(`${say} (after retries; run again later)`, undefined, { cause: error });
    case 'rejected':
      if (name === 'ResourceNotFoundException' && what.startsWith('start'))
        return new ConfigError('--emr-application-id', `no such EMR Serverless application here (${say})`);
  }
  return new FatalError(say, { cause: error });
}
