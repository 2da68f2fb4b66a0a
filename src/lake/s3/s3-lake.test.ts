import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfigError, RetryableError } from '../../core/errors.js';
import { startS3Server, type TestS3Server, useS3Env } from '../../testing/s3-server.js';
import { runLakeContract } from '../lake-contract.js';
import { createBucket } from './create-bucket.js';
import { MULTIPART_THRESHOLD, S3Lake } from './s3-lake.js';

const BUCKET = 'tweetpipe-test';
let server: TestS3Server;
let restoreEnv: () => void;
let client: S3Client;
let n = 0;
const freshLake = (options = {}) =>
  new S3Lake(`s3://${BUCKET}/t${++n}-${randomBytes(3).toString('hex')}`, { s3PathStyle: true, ...options });

before(async () => {
  server = await startS3Server();
  restoreEnv = useS3Env(server);
  client = new S3Client({ forcePathStyle: true });
  await createBucket(BUCKET);
});
after(async () => {
  client.destroy();
  restoreEnv();
  await server.stop();
});

runLakeContract('s3 (an S3-compatible server on loopback)', async () => freshLake());

describe('S3 lake', () => {
  it('uploads large objects in parts, and reads them back intact', async () => {
    const lake = freshLake();
    const big = randomBytes(MULTIPART_THRESHOLD + 3 * 2 ** 20);
    const writes = server.faults.writes;
    await lake.put('processed/big.bin', big);
    assert.ok((await lake.get('processed/big.bin'))!.equals(big));
    // Create + 3 parts of 8 MiB + Complete, counted on the wire (ETag formats differ between servers).
    assert.equal(server.faults.writes - writes, 5, 'the object went up as a multipart upload');
    const head = await client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: `${lake.prefix}/processed/big.bin` }),
    );
    assert.equal(head.ContentLength, big.length);

    const scratch = await lake.scratch('job');
    const file = path.join(scratch.path, 'big.parquet');
    writeFileSync(file, big);
    await lake.putFile('processed/big2.bin', file);
    const copy = await lake.localCopy('processed/big2.bin');
    assert.ok((await import('node:fs')).readFileSync(copy.path).equals(big));
    await copy.release();
    await scratch.release();
  });

  it('sets server-side encryption on every object when asked', async () => {
    const lake = freshLake({ s3ServerSideEncryption: 'AES256' });
    await lake.put('a.json', '{}');
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${lake.prefix}/a.json` }));
    assert.equal(head.ServerSideEncryption, 'AES256');
  });

  it('uses a KMS key when asked for aws:kms', async () => {
    const lake = freshLake({ s3ServerSideEncryption: 'aws:kms', s3KmsKeyId: 'alias/tweetpipe-test' });
    await lake.put('k.json', '{}');
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${lake.prefix}/k.json` }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.match(head.SSEKMSKeyId ?? '', /tweetpipe-test/);
  });

  it('pages through listings longer than one page', async () => {
    const lake = freshLake();
    const keys = Array.from({ length: 1005 }, (_, i) => `landing/k/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((k) => lake.put(k, 'x')));
    const listed = await lake.list('landing/');
    assert.equal(listed.length, 1005);
    assert.deepEqual(
      listed.map((o) => o.key),
      keys,
    );
  });

  it('names TWEETPIPE_LAKE when the bucket does not exist', async () => {
    const lake = new S3Lake('s3://no-such-bucket-here/x', { s3PathStyle: true });
    const error = await lake.get('a').catch((e: unknown) => e);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /TWEETPIPE_LAKE.*no-such-bucket-here/);
  });

  it('a failed write leaves no object, whole or partial, and says to try again', async () => {
    const lake = freshLake();
    server.faults.failWrites(0);
    try {
      const small = await lake.put('landing/x/_manifest.json', '{}').catch((e: unknown) => e);
      assert.ok(small instanceof RetryableError, String(small));
      assert.match(small.message, /write landing\/x\/_manifest\.json/);
      server.faults.failWrites(2); // the multipart upload starts, then its parts fail
      const big = await lake
        .put('processed/big.bin', randomBytes(MULTIPART_THRESHOLD + 1))
        .catch((e: unknown) => e);
      assert.ok(big instanceof RetryableError, String(big));
    } finally {
      server.faults.heal();
    }
    assert.deepEqual(await lake.list(''), []);
    const uploads = await client.send(
      new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: lake.prefix }),
    );
    assert.equal(uploads.Uploads?.length ?? 0, 0, 'the failed multipart upload was aborted');
  });

  it('survives the server going away: the write fails cleanly, and works once it is back', async () => {
    const lake = freshLake();
    await lake.put('a', '1');
    server.faults.down();
    try {
      const error = await lake.put('b', '2').catch((e: unknown) => e);
      assert.ok(error instanceof RetryableError, String(error));
    } finally {
      server.faults.heal();
    }
    await lake.put('b', '2');
    assert.deepEqual(
      (await lake.list('')).map((o) => o.key),
      ['a', 'b'],
    );
  });
});
