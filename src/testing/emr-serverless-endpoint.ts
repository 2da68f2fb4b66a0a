import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Lake } from '../lake/s3/s3-lake.js';
import {
  confArgs,
  findSparkSubmit,
  runSparkSubmit,
  s3aSparkConf,
  sparkS3Jars,
} from '../process/spark/spark-submit.js';

/**
 * A stand-in for EMR Serverless's job-run API (REST JSON: StartJobRun, GetJobRun, CancelJobRun)
 * that really runs the jobs: it fetches the entry point from the S3 test server and runs it with
 * the local spark-submit, `s3://` bound to S3A as on EMR, against the same server. moto answers
 * these calls too but marks every job SUCCESS without running it. Job runs pass through EMR's
 * states (SUBMITTED, SCHEDULED, RUNNING, then SUCCESS, FAILED or CANCELLED, with `stateDetails`).
 */
export interface EmrServerlessEndpoint {
  url: string;
  /** Environment that points the AWS SDK's EMR Serverless client here. */
  env: Record<string, string>;
  calls: { op: string; input: Record<string, unknown> }[];
  close(): Promise<void>;
}

interface JobRun {
  applicationId: string;
  jobRunId: string;
  arn: string;
  name?: string;
  state: string;
  stateDetails: string;
  executionRole: string;
  jobDriver: unknown;
  releaseLabel: string;
  createdAt: number;
  updatedAt: number;
}

export async function startEmrServerlessEndpoint(options: {
  /** The S3 test server's endpoint (path-style; credentials from the environment). */
  s3Endpoint: string;
  /** Application IDs that exist. */
  applications: string[];
  account?: string;
  region?: string;
}): Promise<EmrServerlessEndpoint> {
  const account = options.account ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const calls: EmrServerlessEndpoint['calls'] = [];
  const runs = new Map<string, JobRun>();
  const byToken = new Map<unknown, JobRun>();
  const running = new Map<string, AbortController>();
  const work = mkdtempSync(path.join(tmpdir(), 'tweetpipe-emr-'));
  const set = (run: JobRun, state: string, details = '') => {
    run.state = state;
    run.stateDetails = details;
    run.updatedAt = Date.now() / 1000;
  };

  const execute = async (run: JobRun, input: Record<string, unknown>) => {
    const driver = (input.jobDriver as { sparkSubmit: Record<string, unknown> }).sparkSubmit;
    set(run, 'SCHEDULED');
    try {
      const entry = /^s3:\/\/([^/]+)\/(.+)$/.exec(String(driver.entryPoint));
      if (!entry) throw new Error(`entryPoint ${String(driver.entryPoint)} is not an s3:// URI`);
      const script = path.join(work, `${run.jobRunId}.py`);
      const bucket = new S3Lake(`s3://${entry[1]}`, { s3PathStyle: true });
      try {
        const body = await bucket.get(entry[2]!);
        if (!body) throw new Error('no such object');
        writeFileSync(script, body);
      } catch (e) {
        throw new Error(`entryPoint ${String(driver.entryPoint)}: ${(e as Error).message}`);
      } finally {
        bucket.close();
      }
      const jars = sparkS3Jars();
      if (!jars) throw new Error('no S3A jars: run `make spark-s3-jars`');
      set(run, 'RUNNING');
      const abort = new AbortController();
      running.set(run.jobRunId, abort);
      const extra = String(driver.sparkSubmitParameters ?? '')
        .split(/\s+/)
        .filter(Boolean);
      await runSparkSubmit(
        findSparkSubmit(),
        [
          '--master',
          'local[2]',
          '--jars',
          jars.join(','),
          ...confArgs({
            'spark.ui.enabled': 'false',
            ...s3aSparkConf(
              { s3PathStyle: true },
              { ...process.env, AWS_ENDPOINT_URL_S3: options.s3Endpoint },
              true,
            ),
          }),
          ...extra,
          script,
          ...((driver.entryPointArguments as string[] | undefined) ?? []),
        ],
        abort.signal,
      );
      if (run.state === 'RUNNING') set(run, 'SUCCESS');
    } catch (e) {
      if (run.state !== 'CANCELLING')
        set(
          run,
          'FAILED',
          `Job failed, please check complete logs in configured logging destination. ${(e as Error).message}`,
        );
    }
    if (run.state === 'CANCELLING') set(run, 'CANCELLED', 'Job run cancelled by the user');
  };

  const handle = (method: string, parts: string[], input: Record<string, unknown>) => {
    const [top, applicationId, sub, jobRunId] = parts;
    if (top !== 'applications' || sub !== 'jobruns')
      return fail(404, 'ResourceNotFoundException', 'no such resource');
    if (!options.applications.includes(applicationId!))
      return fail(404, 'ResourceNotFoundException', `Application ${applicationId} does not exist`);
    if (method === 'POST' && !jobRunId) {
      calls.push({ op: 'StartJobRun', input });
      const role = String(input.executionRoleArn ?? '');
      if (!/^arn:aws:iam::\d{12}:role\/.+$/.test(role))
        return fail(400, 'ValidationException', `Invalid executionRoleArn: ${role}`);
      const driver = (input.jobDriver as { sparkSubmit?: { entryPoint?: string } } | undefined)?.sparkSubmit;
      if (!driver?.entryPoint)
        return fail(400, 'ValidationException', 'jobDriver.sparkSubmit.entryPoint is required');
      const existing = byToken.get(input.clientToken);
      if (existing) return ok({ applicationId, jobRunId: existing.jobRunId, arn: existing.arn });
      const id = `00${randomBytes(7).toString('hex')}`;
      const now = Date.now() / 1000;
      const run: JobRun = {
        applicationId: applicationId!,
        jobRunId: id,
        arn: `arn:aws:emr-serverless:${region}:${account}:/applications/${applicationId}/jobruns/${id}`,
        name: input.name as string | undefined,
        state: 'SUBMITTED',
        stateDetails: '',
        executionRole: role,
        jobDriver: input.jobDriver,
        releaseLabel: 'emr-spark-8.0.0',
        createdAt: now,
        updatedAt: now,
      };
      runs.set(id, run);
      byToken.set(input.clientToken, run);
      setTimeout(() => void execute(run, input), 50);
      return ok({ applicationId, jobRunId: id, arn: run.arn });
    }
    const run = runs.get(jobRunId ?? '');
    if (!run || run.applicationId !== applicationId)
      return fail(404, 'ResourceNotFoundException', `Job run ${jobRunId} does not exist`);
    if (method === 'GET') {
      calls.push({ op: 'GetJobRun', input: { applicationId, jobRunId } });
      return ok({ jobRun: run });
    }
    if (method === 'DELETE') {
      calls.push({ op: 'CancelJobRun', input: { applicationId, jobRunId } });
      if (['SUCCESS', 'FAILED', 'CANCELLED'].includes(run.state))
        return fail(400, 'ValidationException', `Job run ${jobRunId} is already ${run.state}`);
      set(run, 'CANCELLING');
      running.get(run.jobRunId)?.abort();
      return ok({ applicationId, jobRunId });
    }
    return fail(405, 'ValidationException', `${method} is not supported here`);
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const r = handle(req.method ?? 'GET', parts, body ? (JSON.parse(body) as Record<string, unknown>) : {});
      res.writeHead(r.status, {
        'content-type': 'application/json',
        ...(r.status >= 400 ? { 'x-amzn-errortype': r.type } : {}),
      });
      res.end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    env: { AWS_ENDPOINT_URL_EMR_SERVERLESS: url },
    calls,
    close: async () => {
      for (const abort of running.values()) abort.abort();
      await new Promise((r) => server.close(r));
      rmSync(work, { recursive: true, force: true });
    },
  };
}

function ok(body: Record<string, unknown>) {
  return { status: 200, type: '', body };
}

function fail(status: number, type: string, message: string) {
  return { status, type, body: { message } };
}
