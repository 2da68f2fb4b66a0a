import type { Command } from 'commander';
import { AuthError, FatalError } from '../../core/errors.js';
import type { AwsInfra, Change, InfraSettings } from '../../infra/aws/aws-infra.js';
import { type InfraConfig, type InfraFlags, infraConfig } from '../../infra/infra-config.js';

/** The AWS SDK clients load only when an infra command runs, not at every CLI start. */
async function awsInfra(config: InfraConfig): Promise<AwsInfra> {
  const { AwsInfra } = await import('../../infra/aws/aws-infra.js');
  return new AwsInfra(config);
}

import { label } from '../format.js';

/** AWS errors as tweetpipe errors: what failed and what to do. */
async function aws<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as { name?: string; message?: string; $metadata?: unknown };
    if (e.name === 'CredentialsProviderError')
      throw new AuthError(
        'no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, an instance role)',
      );
    if (e.$metadata !== undefined) {
      const what = /AccessDenied|UnauthorizedOperation|NotAuthorized/.test(e.name ?? '')
        ? AuthError
        : FatalError;
      throw new what(`AWS refused: ${e.name}: ${e.message}`);
    }
    throw error;
  }
}

const MARK: Record<Change['action'], string> = {
  created: '+',
  updated: '~',
  unchanged: '=',
  deleted: '-',
  absent: ' ',
  present: '✓',
  skipped: '·',
};

function show(c: Change): void {
  console.log(`${label('')} ${MARK[c.action]} ${c.resource}: ${c.action}${c.detail ? ` (${c.detail})` : ''}`);
}

function printSettings(settings: InfraSettings): void {
  if (Object.keys(settings).length === 0) return;
  console.log(`\nSettings for tweetpipe (paste into your shell or the Airflow Variable tweetpipe_settings):`);
  for (const [k, v] of Object.entries(settings)) console.log(`export ${k}=${v}`);
}

function withCommon(cmd: Command): Command {
  return cmd
    .option('--region <region>', 'AWS region (default: AWS_REGION)')
    .option('--name <name>', 'prefix of every resource name', 'tweetpipe')
    .requiredOption('--bucket <bucket>', 'lake bucket name')
    .option('--prefix <prefix>', 'lake prefix inside the bucket', 'tweetpipe');
}

export function registerInfra(program: Command): void {
  const infra = program
    .command('infra')
    .description('Create, inspect or remove the AWS resources tweetpipe uses (the same as infra/terraform)')
    .addHelpText(
      'after',
      `
Credentials, endpoints and retries come from the AWS SDK's standard chain (AWS_PROFILE, …).
The resources: a KMS key, the lake bucket (versioned, encrypted, private, TLS-only, lifecycle
for landing data), the Redshift COPY role, the X bearer-token secret (created empty), Redshift
Serverless (private, AWS-managed admin password) and an EMR Serverless Spark application that
stops when idle. Every command is safe to run again.`,
    );

  withCommon(
    infra
      .command('up')
      .description('Create what is missing and fix what differs; a second run changes nothing'),
  )
    .option('--subnet-ids <ids>', 'Redshift Serverless: at least three private subnet IDs, comma-separated')
    .option('--security-group-ids <ids>', 'Redshift Serverless: security group IDs, comma-separated')
    .option(
      '--emr-release-label <label>',
      'EMR Serverless release (emr-spark-8.0.0 runs Spark 4.0)',
      'emr-spark-8.0.0',
    )
    .option('--no-redshift', 'skip Redshift Serverless (use PostgreSQL or DuckDB as the warehouse)')
    .option('--no-emr', 'skip EMR Serverless (process with DuckDB)')
    .action(async (flags: InfraFlags) => {
      const infraApi = await awsInfra(infraConfig(flags));
      console.log(`${label('infra up')}`);
      const changes: Change[] = [];
      const settings = await aws(() =>
        infraApi.up((c) => {
          changes.push(c);
          show(c);
        }),
      );
      const changed = changes.filter((c) => c.action === 'created' || c.action === 'updated').length;
      console.log(
        `${label('')}   ${changed === 0 ? 'no changes: everything was already in place' : `${changed} resource(s) created or changed`}`,
      );
      printSettings(settings);
    });

  withCommon(
    infra.command('status').description('Show which resources exist and the settings tweetpipe needs'),
  ).action(async (flags: InfraFlags) => {
    const infraApi = await awsInfra(infraConfig({ ...flags, redshift: false }));
    console.log(`${label('infra status')}`);
    printSettings(await aws(() => infraApi.status(show)));
  });

  withCommon(
    infra
      .command('down')
      .description('Remove the resources; refuses a lake bucket with data unless --delete-data'),
  )
    .option('--delete-data', 'also delete every object (and version) in the lake bucket')
    .action(async (flags: InfraFlags & { deleteData?: boolean }) => {
      const infraApi = await awsInfra(infraConfig({ ...flags, redshift: false }));
      console.log(`${label('infra down')}`);
      await aws(() => infraApi.down(flags.deleteData === true, show));
    });
}
