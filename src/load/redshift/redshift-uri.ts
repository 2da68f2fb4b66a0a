import { ConfigError } from '../../core/errors.js';

/** A Redshift warehouse URI, parsed. */
export type RedshiftTarget =
  | {
      via: 'postgres-protocol';
      host: string;
      port: number;
      database: string;
      user: string | undefined;
      password: string | undefined;
      /** `verify-full` (default: the certificate must be valid for the host) or `require` (TLS, unverified). */
      sslmode: 'verify-full' | 'require';
    }
  | {
      via: 'data-api';
      /** Redshift Serverless workgroup, or provisioned cluster identifier. */
      workgroupName?: string;
      clusterIdentifier?: string;
      database: string;
      /** Database user for IAM temporary credentials (clusters without a Secrets Manager secret). */
      dbUser: string | undefined;
    };

const SETTING = 'TWEETPIPE_WAREHOUSE';

/**
 * Parses `redshift://USER@HOST:5439/DB[?sslmode=verify-full|require]` (the PostgreSQL wire
 * protocol, always over TLS) and `redshift-data://[DBUSER@]NAME/DB[?type=workgroup|cluster]`
 * (the Redshift Data API; NAME is a Serverless workgroup unless `type=cluster`). `setting`: what
 * an error calls the URI.
 */
export function parseRedshiftUri(uri: string, setting = SETTING): RedshiftTarget {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ConfigError(setting, 'is not a valid redshift:// or redshift-data:// URI');
  }
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!database || database.includes('/')) {
    throw new ConfigError(setting, `names no database (expected ${url.protocol}//…/DATABASE)`);
  }
  if (!url.hostname)
    throw new ConfigError(setting, `names no host (expected ${url.protocol}//HOST/DATABASE)`);
  if (url.protocol === 'redshift:') {
    for (const key of url.searchParams.keys()) {
      if (key !== 'sslmode') throw new ConfigError(setting, `unknown parameter "${key}" (known: sslmode)`);
    }
    const sslmode = url.searchParams.get('sslmode') ?? 'verify-full';
    if (sslmode !== 'verify-full' && sslmode !== 'require') {
      throw new ConfigError(
        setting,
        `sslmode must be verify-full or require for Redshift (TLS is always on), got "${sslmode}"`,
      );
    }
    return {
      via: 'postgres-protocol',
      host: decodeURIComponent(url.hostname),
      port: Number(url.port || 5439),
      database,
      user: decodeURIComponent(url.username) || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      sslmode,
    };
  }
  if (url.protocol === 'redshift-data:') {
    if (url.password) {
      throw new ConfigError(
        setting,
        'redshift-data:// URIs take no password: use TWEETPIPE_REDSHIFT_SECRET_ARN or IAM credentials',
      );
    }
    for (const key of url.searchParams.keys()) {
      if (key !== 'type') throw new ConfigError(setting, `unknown parameter "${key}" (known: type)`);
    }
    const type = url.searchParams.get('type') ?? 'workgroup';
    if (type !== 'workgroup' && type !== 'cluster') {
      throw new ConfigError(setting, `type must be workgroup or cluster, got "${type}"`);
    }
    const name = decodeURIComponent(url.hostname);
    return {
      via: 'data-api',
      ...(type === 'cluster' ? { clusterIdentifier: name } : { workgroupName: name }),
      database,
      dbUser: decodeURIComponent(url.username) || undefined,
    };
  }
  throw new ConfigError(setting, `"${url.protocol}//" is not a Redshift URI`);
}
