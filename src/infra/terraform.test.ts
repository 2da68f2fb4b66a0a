import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { loadSettings } from '../config/load-settings.js';

const TF = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../infra/terraform');

// biome-ignore lint/suspicious/noExplicitAny: parsed HCL is untyped JSON, checked field by field.
type Json = Record<string, any>;

/** Every .tf file of a folder, parsed and merged by block type and name. */
async function module(dir: string): Promise<{ text: string; hcl: Json }> {
  const hcl: Json = {};
  let text = '';
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort()) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    text += source;
    const parsed = (await parse(file, source)) as Json;
    for (const [block, byType] of Object.entries(parsed)) {
      hcl[block] ??= {};
      for (const [type, byName] of Object.entries(byType as Json)) {
        if (Array.isArray(byName)) hcl[block][type] = [...(hcl[block][type] ?? []), ...byName];
        else hcl[block][type] = { ...(hcl[block][type] ?? {}), ...(byName as Json) };
      }
    }
  }
  return { text, hcl };
}

const only = (list: Json[] | undefined) => {
  assert.equal(list?.length, 1);
  return list[0]!;
};
const resources = (hcl: Json, type: string): Json => hcl.resource?.[type] ?? {};
/** The statements of an aws_iam_policy_document data source. */
const statements = (hcl: Json, name: string): Json[] =>
  only(hcl.data.aws_iam_policy_document[name]).statement;

describe('Terraform (infra/terraform), parsed and held to the security rules', () => {
  it('parses, and every variable has a description; no secret defaults, no hard-coded account or network IDs', async () => {
    const dirs = [TF, ...readdirSync(path.join(TF, 'modules')).map((m) => path.join(TF, 'modules', m))];
    for (const dir of dirs) {
      const { text, hcl } = await module(dir);
      for (const [name, v] of Object.entries((hcl.variable ?? {}) as Json)) {
        const variable = only(v as Json[]);
        assert.ok(variable.description, `${dir}: variable ${name} has a description`);
        if (/password|token|secret/i.test(name))
          assert.notEqual(
            typeof variable.default,
            'string',
            `${name} has no default value that could be a secret`,
          );
      }
      for (const [name, o] of Object.entries((hcl.output ?? {}) as Json))
        assert.ok(only(o as Json[]).description, `${dir}: output ${name} has a description`);
      assert.doesNotMatch(text, /\b\d{12}\b/, `${dir}: no account ID`);
      assert.doesNotMatch(text, /\b(subnet|sg|vpc)-[0-9a-f]{8,}\b/, `${dir}: no network ID`);
      assert.doesNotMatch(
        text,
        /^\s*(?!manage_admin_password)\w*password\s*=/m,
        `${dir}: no password attribute`,
      );
    }
    const root = (await module(TF)).hcl;
    assert.ok(only(root.variable.subnet_ids).validation, 'subnet_ids are validated');
    assert.equal(only(root.resource.aws_kms_key.tweetpipe).enable_key_rotation, true);
  });

  it('the lake bucket: versioned, KMS-encrypted by default, public access blocked, TLS only, lifecycle for landing', async () => {
    const { hcl } = await module(path.join(TF, 'modules/lake'));
    const buckets = Object.keys(resources(hcl, 'aws_s3_bucket'));
    assert.deepEqual(buckets, ['lake']);
    for (const b of buckets) {
      const ref = `\${aws_s3_bucket.${b}.id}`;
      const of = (type: string) =>
        Object.values(resources(hcl, type))
          .map(only)
          .find((r) => r.bucket === ref);
      assert.equal(of('aws_s3_bucket_versioning')?.versioning_configuration[0].status, 'Enabled');
      const sse = of('aws_s3_bucket_server_side_encryption_configuration')?.rule[0];
      assert.equal(sse.apply_server_side_encryption_by_default[0].sse_algorithm, 'aws:kms');
      assert.ok(sse.apply_server_side_encryption_by_default[0].kms_master_key_id);
      const pab = of('aws_s3_bucket_public_access_block');
      for (const flag of [
        'block_public_acls',
        'block_public_policy',
        'ignore_public_acls',
        'restrict_public_buckets',
      ])
        assert.equal(pab?.[flag], true, flag);
      assert.equal(of('aws_s3_bucket_ownership_controls')?.rule[0].object_ownership, 'BucketOwnerEnforced');
      const policy = of('aws_s3_bucket_policy');
      const doc = /^\$\{data\.aws_iam_policy_document\.(\w+)\.json\}$/.exec(policy?.policy)![1]!;
      const deny = statements(hcl, doc).find((s) => s.effect === 'Deny');
      assert.deepEqual(deny?.actions, ['s3:*']);
      assert.deepEqual(deny?.condition[0], {
        test: 'Bool',
        variable: 'aws:SecureTransport',
        values: ['false'],
      });
      assert.deepEqual(deny?.resources.sort(), [
        `\${aws_s3_bucket.${b}.arn}`,
        `\${aws_s3_bucket.${b}.arn}/*`,
      ]);
      const rules = of('aws_s3_bucket_lifecycle_configuration')?.rule as Json[];
      const landing = rules.find((r) => r.filter[0].prefix === '${var.landing_prefix}');
      assert.equal(landing?.transition[0].storage_class, 'STANDARD_IA');
      assert.ok(rules.some((r) => r.noncurrent_version_expiration && r.abort_incomplete_multipart_upload));
    }
  });

  it('Redshift Serverless: not public, admin password managed by AWS, encrypted with the key, TLS required', async () => {
    const { hcl } = await module(path.join(TF, 'modules/redshift'));
    const ns = only(resources(hcl, 'aws_redshiftserverless_namespace').warehouse);
    assert.equal(ns.manage_admin_password, true);
    assert.equal(ns.admin_user_password, undefined);
    assert.equal(ns.kms_key_id, '${var.kms_key_arn}');
    const wg = only(resources(hcl, 'aws_redshiftserverless_workgroup').warehouse);
    assert.equal(wg.publicly_accessible, false);
    assert.deepEqual(
      wg.config_parameter.find((p: Json) => p.parameter_key === 'require_ssl')?.parameter_value,
      'true',
    );
  });

  it('the COPY role: trusted by Redshift only, lists and reads nothing but the processed prefix, decrypts only via S3', async () => {
    const { hcl } = await module(path.join(TF, 'modules/copy_role'));
    const trust = statements(hcl, 'trust');
    assert.deepEqual(trust.flatMap((s) => s.principals.flatMap((p: Json) => p.identifiers)).sort(), [
      'redshift-serverless.amazonaws.com',
      'redshift.amazonaws.com',
    ]);
    const allowed = statements(hcl, 'copy');
    assert.deepEqual(allowed.flatMap((s) => s.actions).sort(), [
      'kms:Decrypt',
      's3:GetBucketLocation',
      's3:GetObject',
      's3:ListBucket',
    ]);
    for (const s of allowed) {
      assert.ok(s.effect === undefined || s.effect === 'Allow');
      for (const r of s.resources) assert.doesNotMatch(r, /^\*$|:\*$/, 'no wildcard resource');
    }
    const list = allowed.find((s) => s.actions.includes('s3:ListBucket'))!;
    assert.deepEqual(list.condition[0], {
      test: 'StringLike',
      variable: 's3:prefix',
      values: ['${var.processed_prefix}*'],
    });
    assert.deepEqual(allowed.find((s) => s.actions.includes('s3:GetObject'))!.resources, [
      '${var.bucket_arn}/${var.processed_prefix}*',
    ]);
    assert.equal(
      allowed.find((s) => s.actions.includes('kms:Decrypt'))!.condition[0].variable,
      'kms:ViaService',
    );
    const root = (await module(TF)).hcl;
    assert.equal(only(root.module.copy_role).processed_prefix, '${local.processed_path}');
    assert.match(root.locals['0'].processed_path, /processed\/$/);
  });

  it('EMR Serverless stops when idle; the token secret is created empty (its value never passes through Terraform)', async () => {
    const emr = (await module(path.join(TF, 'modules/emr'))).hcl;
    const app = only(resources(emr, 'aws_emrserverless_application').spark);
    assert.equal(app.auto_stop_configuration[0].enabled, true);
    assert.ok(app.maximum_capacity, 'a capacity ceiling');
    const secret = (await module(path.join(TF, 'modules/secret'))).hcl;
    assert.ok(resources(secret, 'aws_secretsmanager_secret').x_bearer_token);
    assert.equal(secret.resource.aws_secretsmanager_secret_version, undefined);
  });

  it('outputs exactly the settings the CLI reads, in forms it accepts', async () => {
    const { hcl } = await module(TF);
    const settings = only(hcl.output.settings).value as Record<string, string>;
    // What the expressions become for a bucket "tweets-lake" and a name "tweetpipe".
    const sample: Record<string, string> = {
      TWEETPIPE_LAKE: 's3://tweets-lake/tweetpipe',
      TWEETPIPE_WAREHOUSE: 'redshift-data://tweetpipe/tweetpipe',
      TWEETPIPE_REDSHIFT_IAM_ROLE: 'arn:aws:iam::111122223333:role/tweetpipe-redshift-copy',
      TWEETPIPE_REDSHIFT_SECRET_ARN:
        'arn:aws:secretsmanager:eu-west-1:111122223333:secret:redshift!tweetpipe-admin-AbCdEf',
      TWEETPIPE_S3_SSE: 'aws:kms',
      TWEETPIPE_S3_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/0f3e1b2a-1111-2222-3333-444455556666',
    };
    assert.deepEqual(Object.keys(settings).sort(), Object.keys(sample).sort());
    assert.match(settings.TWEETPIPE_WAREHOUSE!, /^redshift-data:\/\//);
    assert.equal(settings.TWEETPIPE_S3_SSE, 'aws:kms');
    const s = loadSettings({ env: sample, cwd: TF });
    assert.equal(s.lake, sample.TWEETPIPE_LAKE);
    assert.equal(s.warehouse, sample.TWEETPIPE_WAREHOUSE);
    assert.deepEqual(s.lakeOptions.s3ServerSideEncryption, 'aws:kms');
    assert.equal(s.warehouseOptions.redshiftSecretArn, sample.TWEETPIPE_REDSHIFT_SECRET_ARN);
  });
});
