import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../core/errors.js';
import { checkQuery, loadSettings } from './load-settings.js';

const cwd = mkdtempSync(path.join(tmpdir(), 'settings-'));
after(() => rmSync(cwd, { recursive: true, force: true }));
const load = (env: NodeJS.ProcessEnv) => loadSettings({ env, cwd });

function refuses(env: NodeJS.ProcessEnv, setting: string, pattern: RegExp): void {
  assert.throws(
    () => load(env),
    (e: unknown) => e instanceof ConfigError && e.setting === setting && pattern.test(e.message),
  );
}

describe('loadSettings', () => {
  it('defaults to the bundled emulator, a local lake and a DuckDB file under the working folder', () => {
    const s = load({});
    assert.equal(s.useBundledEmulator, true);
    assert.equal(s.lake, `file://${cwd}/data/lake`);
    assert.deepEqual(s.lakeOptions, {});
    assert.equal(s.warehouse, `duckdb://${cwd}/data/warehouse.duckdb`);
  });

  it('accepts TWITTER_BEARER_TOKEN and keeps the token out of its printed form', () => {
    const s = load({ TWITTER_BEARER_TOKEN: 'AAAAsecret' });
    assert.equal(s.useBundledEmulator, false);
    assert.doesNotMatch(JSON.stringify(s), /AAAAsecret/);
    refuses({ X_BEARER_TOKEN: 'Bearer AAAA' }, 'X_BEARER_TOKEN', /white space/);
  });

  it('takes an s3:// lake with its S3 options, and path-style addressing for a custom endpoint', () => {
    const s = load({
      TWEETPIPE_LAKE: 's3://my-bucket/tweets/',
      TWEETPIPE_S3_SSE: 'aws:kms',
      TWEETPIPE_S3_KMS_KEY_ID: 'alias/tweetpipe',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
    });
    assert.equal(s.lake, 's3://my-bucket/tweets');
    assert.deepEqual(s.lakeOptions, {
      s3PathStyle: true,
      s3ServerSideEncryption: 'aws:kms',
      s3KmsKeyId: 'alias/tweetpipe',
    });
    assert.equal(load({ TWEETPIPE_LAKE: 's3://my-bucket' }).lakeOptions.s3PathStyle, false);
    assert.equal(
      load({
        TWEETPIPE_LAKE: 's3://my-bucket',
        AWS_ENDPOINT_URL: 'http://h:1',
        TWEETPIPE_S3_PATH_STYLE: 'false',
      }).lakeOptions.s3PathStyle,
      false,
    );
  });

  it('refuses bad S3 settings, naming each', () => {
    refuses({ TWEETPIPE_LAKE: 's3://My_Bucket/x' }, 'TWEETPIPE_LAKE', /bucket name/);
    refuses({ TWEETPIPE_LAKE: 's3://bucket/a/../b' }, 'TWEETPIPE_LAKE', /segments/);
    refuses(
      { TWEETPIPE_LAKE: 's3://bucket', TWEETPIPE_S3_SSE: 'aes' },
      'TWEETPIPE_S3_SSE',
      /AES256 or aws:kms/,
    );
    refuses(
      { TWEETPIPE_S3_SSE: 'AES256', TWEETPIPE_S3_KMS_KEY_ID: 'k' },
      'TWEETPIPE_S3_KMS_KEY_ID',
      /aws:kms/,
    );
    refuses({ TWEETPIPE_S3_PATH_STYLE: 'maybe' }, 'TWEETPIPE_S3_PATH_STYLE', /true or false/);
    refuses({ AWS_ENDPOINT_URL_S3: 'not a url' }, 'AWS_ENDPOINT_URL_S3', /not a URL/);
  });

  it('takes a Redshift warehouse with its COPY role and Data API secret', () => {
    const role = 'arn:aws:iam::123456789012:role/tweetpipe-copy';
    const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tweetpipe-AbCdEf';
    const s = load({
      TWEETPIPE_LAKE: 's3://tweets/lake',
      TWEETPIPE_WAREHOUSE: 'redshift-data://analytics/dev',
      TWEETPIPE_REDSHIFT_IAM_ROLE: role,
      TWEETPIPE_REDSHIFT_SECRET_ARN: secret,
    });
    assert.equal(s.warehouse, 'redshift-data://analytics/dev');
    assert.deepEqual(s.warehouseOptions, { redshiftIamRole: role, redshiftSecretArn: secret });
  });

  it('refuses a Redshift warehouse on a local lake, without its role, or with a bad ARN', () => {
    const role = 'arn:aws:iam::123456789012:role/r';
    refuses(
      { TWEETPIPE_WAREHOUSE: 'redshift://u@h:5439/dev', TWEETPIPE_REDSHIFT_IAM_ROLE: role },
      'TWEETPIPE_WAREHOUSE',
      /COPY straight from S3.*TWEETPIPE_LAKE=s3:/,
    );
    refuses(
      { TWEETPIPE_LAKE: 's3://tweets/lake', TWEETPIPE_WAREHOUSE: 'redshift://u@h:5439/dev' },
      'TWEETPIPE_REDSHIFT_IAM_ROLE',
      /is required/,
    );
    refuses({ TWEETPIPE_REDSHIFT_IAM_ROLE: 'my-role' }, 'TWEETPIPE_REDSHIFT_IAM_ROLE', /IAM role ARN/);
    refuses(
      { TWEETPIPE_REDSHIFT_SECRET_ARN: 'hunter2' },
      'TWEETPIPE_REDSHIFT_SECRET_ARN',
      /Secrets Manager ARN/,
    );
    refuses({ TWEETPIPE_WAREHOUSE: 'redshift://h' }, 'TWEETPIPE_WAREHOUSE', /no database/);
  });

  it('names a config file given by path after that file, and a missing one after where it was given', () => {
    const file = path.join(cwd, 'prod.json');
    writeFileSync(file, JSON.stringify({ lake: 'ftp://x' }));
    const named = (configFile: string | undefined, env: NodeJS.ProcessEnv, setting: string, why: RegExp) =>
      assert.throws(
        () => loadSettings({ env, cwd, configFile }),
        (e: unknown) => e instanceof ConfigError && e.setting === setting && why.test(e.message),
      );
    named('prod.json', {}, 'lake (prod.json)', /unsupported scheme/);
    named(undefined, { TWEETPIPE_CONFIG: 'prod.json' }, 'lake (prod.json)', /unsupported scheme/);
    named('missing.json', {}, '--config', /does not exist/);
    named(undefined, { TWEETPIPE_CONFIG: 'missing.json' }, 'TWEETPIPE_CONFIG', /does not exist/);
    writeFileSync(file, JSON.stringify({ apiToken: 'x' }));
    named('prod.json', {}, 'apiToken', /secrets do not belong in prod\.json/);
    rmSync(file);
    // a file in a folder keeps its folder; one outside the working folder is named in full
    mkdirSync(path.join(cwd, 'conf'), { recursive: true });
    writeFileSync(path.join(cwd, 'conf', 'prod.json'), JSON.stringify({ lake: 'ftp://x' }));
    named('conf/prod.json', {}, `lake (${path.join('conf', 'prod.json')})`, /unsupported scheme/);
    const outside = mkdtempSync(path.join(tmpdir(), 'tweetpipe-conf-'));
    writeFileSync(path.join(outside, 'prod.json'), '[]');
    named(path.join(outside, 'prod.json'), {}, path.join(outside, 'prod.json'), /must hold a JSON object/);
    rmSync(outside, { recursive: true });
    rmSync(path.join(cwd, 'conf'), { recursive: true });
  });

  it('refuses secrets and unknown keys in the config file', () => {
    const file = path.join(cwd, 'tweetpipe.config.json');
    writeFileSync(file, JSON.stringify({ awsSecretAccessKey: 'x' }));
    refuses({}, 'awsSecretAccessKey', /secrets do not belong/);
    writeFileSync(file, JSON.stringify({ lakes: 'x' }));
    refuses({}, 'lakes', /unknown setting/);
    writeFileSync(
      file,
      JSON.stringify({ lake: 's3://bucket-from-file/p', s3ServerSideEncryption: 'AES256' }),
    );
    assert.deepEqual(load({}).lakeOptions, { s3PathStyle: false, s3ServerSideEncryption: 'AES256' });
    rmSync(file);
  });
  it('reads the collection sources and limits from the config file, refusing bad ones by name', () => {
    const file = path.join(cwd, 'tweetpipe.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        queries: ['#a'],
        archive: true,
        startTime: '2026-01-01',
        users: ['@NASA', '11348282'],
        lookupFiles: ['ids.txt'],
        streamRules: [{ tag: 'a', value: '#a' }],
        maxCostUsd: 12.5,
        prices: { postRead: 0.004 },
      }),
    );
    const s = load({});
    assert.equal(s.archive, true);
    assert.equal(s.startTime, '2026-01-01T00:00:00Z');
    assert.deepEqual(s.users, ['@NASA', '11348282']);
    assert.deepEqual(s.lookupFiles, [path.join(cwd, 'ids.txt')]);
    assert.equal(s.maxCostUsd, 12.5);
    assert.deepEqual(s.prices, { postRead: 0.004, userRead: 0.01 });
    for (const [bad, name, why] of [
      [{ maxCostUsd: -1 }, 'maxCostUsd', /positive amount/],
      [{ startTime: 'yesterday' }, 'startTime', /ISO 8601/],
      [{ endTime: '2026-02-30T00:00:00Z' }, 'endTime', /ISO 8601/],
      [{ users: ['no spaces allowed'] }, 'users', /neither a username/],
      [{ queries: ['#a', '  '] }, 'queries', /non-empty strings/],
      [
        {
          streamRules: [
            { tag: 'a', value: 'x' },
            { tag: 'a', value: 'y' },
          ],
        },
        'streamRules',
        /used twice/,
      ],
      [{ prices: { postRaed: 1 } }, 'prices', /unknown price/],
      [{ archive: 'yes' }, 'archive', /true or false/],
      // Settings the environment can also give are named by the file's key when the file gave them.
      [{ lake: 1 }, 'lake', /non-empty string/],
      [{ lake: 'ftp://x' }, 'lake', /unsupported scheme/],
      [{ lake: 's3://My_Bucket/x' }, 'lake', /bucket name/],
      [{ warehouse: 'mysql://x' }, 'warehouse', /unsupported scheme/],
      [{ warehouse: 'postgres://h' }, 'warehouse', /expected postgres:/],
      [{ warehouse: 'redshift://h' }, 'warehouse', /no database/],
      [{ apiUrl: 'api.x.com' }, 'apiUrl', /./],
      [
        { lake: 's3://bucket/p', s3ServerSideEncryption: 'DES' },
        's3ServerSideEncryption',
        /AES256 or aws:kms/,
      ],
      [{ s3KmsKeyId: 'k' }, 's3KmsKeyId', /only used with/],
      [{ redshiftIamRole: 'my-role' }, 'redshiftIamRole', /IAM role ARN/],
    ] as const) {
      writeFileSync(file, JSON.stringify(bad));
      refuses({}, `${name} (tweetpipe.config.json)`, why);
    }
    // The environment wins over the file, and an error then names the variable.
    writeFileSync(file, JSON.stringify({ lake: 'ftp://x' }));
    assert.ok(load({ TWEETPIPE_LAKE: 'file:///tmp/lake' }).lake.startsWith('file:///tmp/lake'));
    refuses({ TWEETPIPE_LAKE: 's3://My_Bucket/x' }, 'TWEETPIPE_LAKE', /bucket name/);
    rmSync(file);
  });

  it('takes a --query trimmed and refuses an empty one by the flag, before any request', () => {
    assert.equal(checkQuery('  #a OR #b ', '--query'), '#a OR #b');
    for (const raw of ['', '   ', '\t']) {
      assert.throws(
        () => checkQuery(raw, '--query'),
        (e: unknown) =>
          e instanceof ConfigError && e.setting === '--query' && /must not be empty/.test(e.message),
      );
    }
  });
});
