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
  type TweetpipeError,
} from '../../core/errors.js';
import type { Progress } from '../../core/progress.js';
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
 * through; resolves on SUCCESS, fails with EMR's own account of the failure otherwise. SIGINT or
 * SIGTERM while following cancels the job run rather than leaving it to run unwatched.
 */
export async function runOnEmrServerless(
  target: EmrServerlessTarget,
  job: EmrJob,
  progress: Progress,
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
  // Ctrl-C, or Airflow stopping the task (SIGTERM): cancel the run rather than leave it unwatched.
  const cancel = (signal: NodeJS.Signals) => {
    progress.info(`process: ${signal} — cancelling EMR Serverless job run ${jobRunId}`);
    client
      .send(new CancelJobRunCommand({ applicationId: target.applicationId, jobRunId }))
      .catch(() => {})
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  const began = Date.now();
  let last = '';
  try {
    for (;;) {
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
      await new Promise((r) => setTimeout(r, target.pollMs ?? 10_000));
    }
  } catch (e) {
    if (e instanceof FatalError) throw e;
    // Nothing is committed until the run's output is read back: running again processes the batches anew.
    throw emrError(e, `follow job run ${jobRunId} (it may still be running on EMR Serverless)`);
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
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
