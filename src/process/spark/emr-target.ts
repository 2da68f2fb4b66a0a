import { ConfigError } from '../../core/errors.js';

/** Where jobs run: an EMR Serverless application (Spark) and the runtime role its jobs assume. */
export interface EmrServerlessTarget {
  applicationId: string;
  roleArn: string;
  /** How often to ask for the job's state (default 10 s; AWS bills nothing for asking). */
  pollMs?: number;
}

/** Checks the target's settings before anything is uploaded; errors name the flag. */
export function checkEmrTarget(target: EmrServerlessTarget): void {
  if (!/^[0-9a-z]{16}$/.test(target.applicationId))
    throw new ConfigError(
      '--emr-application-id',
      `"${target.applicationId}" is not an EMR Serverless application ID (16 lower-case letters and digits)`,
    );
  if (!/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(target.roleArn))
    throw new ConfigError(
      '--emr-role-arn',
      `"${target.roleArn}" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`,
    );
}
