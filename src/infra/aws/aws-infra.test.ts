import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  EMRServerlessClient,
  GetApplicationCommand,
  ListApplicationsCommand,
} from '@aws-sdk/client-emr-serverless';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadSettings } from '../../config/load-settings.js';
import { cli, finish } from '../../testing/cli-child.js';
import {
  type RedshiftServerlessEndpoint,
  startRedshiftServerlessEndpoint,
} from '../../testing/redshift-serverless-endpoint.js';
import { startS3Server, type TestS3Server } from '../../testing/s3-server.js';
import { type TempWorkspace, tempWorkspace } from '../../testing/temp-workspace.js';

const BUCKET = 'tweets-lake-test';
const COMMON = ['--bucket', BUCKET, '--region', 'us-east-1'];
// moto accepts only emr-X.Y.0 labels; emr-7.8.0 is a real EMR Serverless release (Spark 3.5.4).
const NETWORK = [
  '--subnet-ids',
  'subnet-0a1b2c3d,subnet-1a2b3c4d,subnet-2a3b4c5d',
  '--security-group-ids',
  'sg-0a1b2c3d',
  '--emr-release-label',
  'emr-7.8.0',
];

describe('tweetpipe infra up/status/down against a local AWS (moto) and a Redshift Serverless stand-in', () => {
  let aws: TestS3Server;
  let rs: RedshiftServerlessEndpoint;
  let ws: TempWorkspace;
  let env: NodeJS.ProcessEnv;
  const sdk = { region: 'us-east-1' };
  before(async () => {
    aws = await startS3Server({ moto: true });
    rs = await startRedshiftServerlessEndpoint();
    ws = tempWorkspace();
    env = {
      ...aws.env,
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS: rs.url,
    };
    Object.assign(process.env, env);
  });
  after(async () => {
    for (const k of Object.keys(env)) delete process.env[k];
    ws.remove();
    await rs.close();
    await aws.stop();
  });
  const run = async (...args: string[]) => {
    const r = await finish(cli(ws, 'http://unused.invalid', ['infra', ...args], env));
    return { ...r, text: r.out + r.err };
  };

  it('up creates everything secure by default; a second up changes nothing', async () => {
    const first = await run('up', ...COMMON, ...NETWORK);
    assert.equal(first.code, 0, first.text);
    assert.match(first.out, /\+ kms key alias\/tweetpipe: created/);
    assert.match(first.out, /\+ s3 bucket tweets-lake-test: created/);
    assert.match(first.out, /\+ redshift workgroup tweetpipe: created \(not publicly accessible\)/);

    const s3 = new S3Client({ ...sdk, forcePathStyle: true });
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status, 'Enabled');
    const sse = (await s3.send(new GetBucketEncryptionCommand({ Bucket: BUCKET })))
      .ServerSideEncryptionConfiguration!.Rules![0]!;
    assert.equal(sse.ApplyServerSideEncryptionByDefault!.SSEAlgorithm, 'aws:kms');
    assert.match(sse.ApplyServerSideEncryptionByDefault!.KMSMasterKeyID!, /^arn:aws:kms:/);
    const pab = (await s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET })))
      .PublicAccessBlockConfiguration!;
    assert.deepEqual(
      [pab.BlockPublicAcls, pab.IgnorePublicAcls, pab.BlockPublicPolicy, pab.RestrictPublicBuckets],
      [true, true, true, true],
    );
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!);
    assert.equal(policy.Statement[0].Effect, 'Deny');
    assert.deepEqual(policy.Statement[0].Condition, { Bool: { 'aws:SecureTransport': 'false' } });
    const rules = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }))).Rules!;
    assert.equal(
      rules.find((r) => r.ID === 'landing-to-infrequent-access')?.Filter?.Prefix,
      'tweetpipe/landing/',
    );

    const iam = new IAMClient(sdk);
    const copy = JSON.parse(
      decodeURIComponent(
        (
          await iam.send(
            new GetRolePolicyCommand({
              RoleName: 'tweetpipe-redshift-copy',
              PolicyName: 'read-processed-zone',
            }),
          )
        ).PolicyDocument!,
      ),
    );
    assert.deepEqual(copy.Statement.map((s: { Action: string }) => s.Action).sort(), [
      'kms:Decrypt',
      's3:GetBucketLocation',
      's3:GetObject',
      's3:ListBucket',
    ]);
    assert.equal(
      copy.Statement.find((s: { Action: string }) => s.Action === 's3:GetObject').Resource,
      `arn:aws:s3:::${BUCKET}/tweetpipe/processed/*`,
    );

    await assert.rejects(
      new SecretsManagerClient(sdk).send(new GetSecretValueCommand({ SecretId: 'tweetpipe/x-bearer-token' })),
      'the token secret is created without a value',
    );
    const ns = rs.namespaces.get('tweetpipe')!;
    assert.equal(ns.adminUsername, 'tweetpipe_admin');
    assert.match(String(ns.kmsKeyId), /^arn:aws:kms:/);
    assert.equal(rs.calls.find((c) => c.op === 'CreateNamespace')!.input.manageAdminPassword, true);
    assert.equal(rs.workgroups.get('tweetpipe')!.publiclyAccessible, false);
    const emr = new EMRServerlessClient(sdk);
    const apps = (await emr.send(new ListApplicationsCommand({}))).applications!;
    const app = (
      await emr.send(
        new GetApplicationCommand({ applicationId: apps.find((a) => a.name === 'tweetpipe-spark')!.id! }),
      )
    ).application!;
    assert.deepEqual(app.autoStopConfiguration, { enabled: true, idleTimeoutMinutes: 15 });
    assert.equal(app.releaseLabel, 'emr-7.8.0');

    // The printed settings are exactly what the CLI accepts.
    const settings = Object.fromEntries(
      [...first.out.matchAll(/^export (TWEETPIPE_\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    assert.deepEqual(Object.keys(settings).sort(), [
      'TWEETPIPE_LAKE',
      'TWEETPIPE_REDSHIFT_IAM_ROLE',
      'TWEETPIPE_REDSHIFT_SECRET_ARN',
      'TWEETPIPE_S3_KMS_KEY_ID',
      'TWEETPIPE_S3_SSE',
      'TWEETPIPE_WAREHOUSE',
    ]);
    const loaded = loadSettings({ env: settings, cwd: ws.dir });
    assert.equal(loaded.lake, `s3://${BUCKET}/tweetpipe`);
    assert.equal(loaded.warehouse, 'redshift-data://tweetpipe/tweetpipe');

    const creates = rs.calls.filter((c) => c.op.startsWith('Create')).length;
    const second = await run('up', ...COMMON, ...NETWORK);
    assert.equal(second.code, 0, second.text);
    assert.match(second.out, /no changes: everything was already in place/);
    assert.doesNotMatch(second.out, /: (created|updated)/);
    assert.equal(rs.calls.filter((c) => c.op.startsWith('Create')).length, creates);
  });

  it('up repairs drift: versioning switched off is switched on again', async () => {
    await new S3Client({ ...sdk, forcePathStyle: true }).send(
      new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Suspended' } }),
    );
    const r = await run('up', ...COMMON, ...NETWORK);
    assert.equal(r.code, 0, r.text);
    assert.match(r.out, /~ s3 bucket tweets-lake-test: updated \(versioning\)/);
  });

  it('up fails fast on bad flags, naming them', async () => {
    const r = await run('up', '--bucket', 'Bad_Bucket', '--region', 'us-east-1', ...NETWORK);
    assert.equal(r.code, 2);
    assert.match(r.err, /--bucket: needs the lake bucket name/);
    const noNet = await run('up', ...COMMON);
    assert.equal(noNet.code, 2);
    assert.match(noNet.err, /--subnet-ids: Redshift Serverless needs at least three private subnets/);
  });

  it('status shows what exists; down refuses a bucket with data, then removes everything with --delete-data', async () => {
    const status = await run('status', ...COMMON);
    assert.equal(status.code, 0, status.text);
    assert.match(status.out, /✓ s3 bucket tweets-lake-test: present/);
    assert.match(
      status.out,
      /^export TWEETPIPE_REDSHIFT_SECRET_ARN=arn:aws:secretsmanager:.*redshift!tweetpipe-admin/m,
    );

    const s3 = new S3Client({ ...sdk, forcePathStyle: true });
    const put = () =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tweetpipe/landing/x', Body: 'data' }));
    // moto enforces the TLS-only policy: a write over plain HTTP is refused.
    await assert.rejects(
      put(),
      (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 403,
    );
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    await put();
    const refused = await run('down', ...COMMON);
    assert.notEqual(refused.code, 0);
    assert.match(refused.err, /is not empty: nothing was deleted\. Pass --delete-data/);
    assert.ok(rs.workgroups.has('tweetpipe'), 'nothing was deleted');

    const down = await run('down', ...COMMON, '--delete-data');
    assert.equal(down.code, 0, down.text);
    assert.match(down.out, /- s3 bucket tweets-lake-test: deleted/);
    assert.equal(rs.workgroups.size + rs.namespaces.size, 0);
    const after = await run('status', ...COMMON);
    assert.match(after.out, /s3 bucket tweets-lake-test: absent/);
    assert.match(after.out, /iam role tweetpipe-redshift-copy: absent/);
    assert.match(after.out, /emr serverless tweetpipe-spark: absent/);
  });
});
