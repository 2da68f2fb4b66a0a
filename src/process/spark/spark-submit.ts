import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, FatalError, StoppedError } from '../../core/errors.js';
import type { LakeOptions } from '../../lake/lake.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SPARK_JOB = path.join(ROOT, 'spark', 'tweetpipe_process.py');
const S3_JARS_DIR = path.join(ROOT, '.venv-spark', 'jars');

/** The spark-submit to run: TWEETPIPE_SPARK_SUBMIT, else `.venv-spark/bin/spark-submit` (`make spark-deps`). */
export function findSparkSubmit(explicit?: string): string {
  const submit =
    explicit ?? process.env.TWEETPIPE_SPARK_SUBMIT ?? path.join(ROOT, '.venv-spark', 'bin', 'spark-submit');
  if (!existsSync(submit))
    throw new ConfigError(
      '--engine',
      `spark needs spark-submit (${submit} not found): run \`make spark-deps\` or set TWEETPIPE_SPARK_SUBMIT`,
    );
  return submit;
}

/**
 * The jars that let a local Spark read and write S3 (`hadoop-aws` matching pyspark's Hadoop, and
 * the AWS SDK bundle it was built against): TWEETPIPE_SPARK_JARS (comma-separated), else the ones
 * `make spark-s3-jars` put in `.venv-spark/jars/`; undefined when there are none.
 */
export function sparkS3Jars(): string[] | undefined {
  const env = process.env.TWEETPIPE_SPARK_JARS;
  if (env) return env.split(',').filter(Boolean);
  if (!existsSync(S3_JARS_DIR)) return undefined;
  const jars = readdirSync(S3_JARS_DIR)
    .filter((f) => f.endsWith('.jar'))
    .map((f) => path.join(S3_JARS_DIR, f));
  return jars.some((j) => /hadoop-aws-/.test(j)) ? jars : undefined;
}

/**
 * Spark settings for S3A to reach the lake the way tweetpipe's own S3 client does: the AWS SDK's
 * default credential chain (environment, profiles, SSO, container and instance roles), the same
 * endpoint and region variables, path-style addressing and server-side encryption as the lake.
 * `s3Scheme` also binds `s3://` URIs to S3A, as EMR does, for the tests' EMR Serverless stand-in.
 * No secret is ever put in these (they end up on a command line).
 */
export function s3aSparkConf(
  options: LakeOptions,
  env: NodeJS.ProcessEnv = process.env,
  s3Scheme = false,
): Record<string, string> {
  const conf: Record<string, string> = {
    'spark.hadoop.fs.s3a.aws.credentials.provider':
      'software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider',
  };
  if (s3Scheme) conf['spark.hadoop.fs.s3.impl'] = 'org.apache.hadoop.fs.s3a.S3AFileSystem';
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint) {
    conf['spark.hadoop.fs.s3a.endpoint'] = endpoint;
    if (endpoint.startsWith('http:')) conf['spark.hadoop.fs.s3a.connection.ssl.enabled'] = 'false';
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region) conf['spark.hadoop.fs.s3a.endpoint.region'] = region;
  if (options.s3PathStyle) conf['spark.hadoop.fs.s3a.path.style.access'] = 'true';
  if (options.s3ServerSideEncryption) {
    conf['spark.hadoop.fs.s3a.encryption.algorithm'] =
      options.s3ServerSideEncryption === 'aws:kms' ? 'SSE-KMS' : 'SSE-S3';
    if (options.s3KmsKeyId) conf['spark.hadoop.fs.s3a.encryption.key'] = options.s3KmsKeyId;
  }
  return conf;
}

/** `--conf k=v` pairs for spark-submit. */
export function confArgs(conf: Record<string, string>): string[] {
  return Object.entries(conf).flatMap(([k, v]) => ['--conf', `${k}=${v}`]);
}

/**
 * Runs spark-submit to completion (or until `signal` aborts it); rejects with the job's last errors
 * when it fails. Spark runs
 * Python workers with the `python3` beside spark-submit (the virtual environment's).
 */
export function runSparkSubmit(submit: string, args: string[], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const bin = path.dirname(submit);
    const python = path.join(bin, 'python3');
    const env = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
      ...(existsSync(python) ? { PYSPARK_PYTHON: python, PYSPARK_DRIVER_PYTHON: python } : {}),
    };
    const child = spawn(submit, args, { stdio: ['ignore', 'pipe', 'pipe'], env, signal });
    let log = '';
    const keep = (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => {
      if (signal?.aborted) return; // 'close' follows once the job has been stopped
      reject(new FatalError(`cannot start spark-submit: ${e.message}`));
    });
    child.on('close', (code) => {
      if (signal?.aborted) {
        const name = String(signal.reason);
        return reject(
          new StoppedError(name, `stopped by ${name}; the Spark job was stopped and nothing was committed`),
        );
      }
      if (code === 0) return resolve();
      reject(new FatalError(`the Spark job failed (exit ${code}):\n${lastErrors(log)}`));
    });
  });
}

/** The lines of a Spark log that say what went wrong (else its tail). */
export function lastErrors(log: string): string {
  const lines = log.split('\n');
  const picked: string[] = [];
  lines.forEach((l, i) => {
    if (!/Error|Exception/.test(l) || /^\s+at /.test(l)) return;
    picked.push(l);
    // The JVM says why on the next line ("Error occurred during initialization of VM" / the reason).
    const next = lines[i + 1];
    if (next?.trim() && !/^\s+at |Error|Exception/.test(next)) picked.push(next);
  });
  return picked.slice(-4).join('\n') || log.slice(-2000);
}
