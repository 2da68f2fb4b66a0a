import { ConfigError } from '../core/errors.js';

/** What `tweetpipe infra` creates: the same resources as `infra/terraform`, named from `name`. */
export interface InfraConfig {
  region: string;
  name: string;
  bucket: string;
  /** Lake prefix inside the bucket, without slashes at either end ('' for the root). */
  prefix: string;
  /** Redshift Serverless needs the network; without it the warehouse is skipped. */
  subnetIds: string[];
  securityGroupIds: string[];
  database: string;
  adminUsername: string;
  baseCapacity: number;
  emrReleaseLabel: string;
  emrIdleMinutes: number;
  emrMaxVcpu: number;
  landingTransitionDays: number;
  noncurrentVersionDays: number;
  redshift: boolean;
  emr: boolean;
}

export interface InfraFlags {
  region?: string;
  name?: string;
  bucket?: string;
  prefix?: string;
  subnetIds?: string;
  securityGroupIds?: string;
  emrReleaseLabel?: string;
  redshift?: boolean;
  emr?: boolean;
}

/** Validates the flags (and AWS_REGION) like the Terraform variables, naming the bad one. */
export function infraConfig(flags: InfraFlags, env: NodeJS.ProcessEnv = process.env): InfraConfig {
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new ConfigError(
      '--region',
      `needs an AWS region such as eu-west-1 (or AWS_REGION), got ${region ?? 'nothing'}`,
    );
  const name = flags.name ?? 'tweetpipe';
  if (!/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/.test(name))
    throw new ConfigError(
      '--name',
      'must be 3-32 lower-case letters, digits or hyphens, starting with a letter',
    );
  const bucket = flags.bucket;
  if (!bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..'))
    throw new ConfigError(
      '--bucket',
      'needs the lake bucket name: 3-63 lower-case letters, digits, dots or hyphens',
    );
  const prefix = (flags.prefix ?? 'tweetpipe').replace(/^\/+|\/+$/g, '');
  if (prefix !== '' && !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(prefix))
    throw new ConfigError('--prefix', 'must be path segments of letters, digits, _ . -');
  const list = (raw: string | undefined, flag: string, pattern: RegExp) => {
    const items = (raw ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const item of items)
      if (!pattern.test(item)) throw new ConfigError(flag, `"${item}" is not an ID like ${pattern.source}`);
    return items;
  };
  const subnetIds = list(flags.subnetIds, '--subnet-ids', /^subnet-[0-9a-f]+$/);
  const securityGroupIds = list(flags.securityGroupIds, '--security-group-ids', /^sg-[0-9a-f]+$/);
  const redshift = flags.redshift !== false;
  if (redshift && (subnetIds.length < 3 || securityGroupIds.length < 1))
    throw new ConfigError(
      '--subnet-ids',
      'Redshift Serverless needs at least three private subnets (--subnet-ids a,b,c) and a security group (--security-group-ids); or pass --no-redshift',
    );
  const emrReleaseLabel = flags.emrReleaseLabel ?? 'emr-spark-8.0.0';
  if (!/^emr-(spark-)?\d+\.\d+\.\d+$/.test(emrReleaseLabel))
    throw new ConfigError('--emr-release-label', 'must look like emr-spark-8.0.0 or emr-7.8.0');
  return {
    region,
    name,
    bucket,
    prefix,
    subnetIds,
    securityGroupIds,
    database: 'tweetpipe',
    adminUsername: 'tweetpipe_admin',
    baseCapacity: 8,
    emrReleaseLabel,
    emrIdleMinutes: 15,
    emrMaxVcpu: 32,
    landingTransitionDays: 30,
    noncurrentVersionDays: 30,
    redshift,
    emr: flags.emr !== false,
  };
}

/** `prefix/` or '' */
export function lakeRoot(c: InfraConfig): string {
  return c.prefix === '' ? '' : `${c.prefix}/`;
}

export function lakeUri(c: InfraConfig): string {
  return c.prefix === '' ? `s3://${c.bucket}` : `s3://${c.bucket}/${c.prefix}`;
}
