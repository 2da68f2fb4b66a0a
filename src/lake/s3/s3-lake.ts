import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { FatalError } from '../../core/errors.js';
import type { Lake, LakeObject, LakeOptions, LocalCopy } from '../lake.js';
import { s3Error } from './s3-errors.js';

// tweetpipe supports Node 20+ and pins an SDK release that runs there (package-lock.json); the
// SDK's notice about its future releases would otherwise print on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Objects at least this large go up as multipart uploads, in parts of this size. */
export const MULTIPART_THRESHOLD = 16 * 2 ** 20;
const PART_SIZE = 8 * 2 ** 20;

/** `s3://bucket/prefix` split into its bucket and key prefix (no leading or trailing slash). */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new FatalError(`"${uri}" is not an s3://BUCKET/PREFIX URI`);
  return { bucket: match[1]!, prefix: match[2]!.replace(/^\/+|\/+$/g, '') };
}

/**
 * A lake in an S3 bucket (`s3://BUCKET/PREFIX`), or any server that speaks the S3 protocol.
 * Credentials, region and endpoint come from the AWS SDK's standard chain (environment,
 * shared config and credentials files, SSO, container and instance roles), never from our config.
 * A PUT is atomic on S3, so every write is all-or-nothing; large objects go up as multipart uploads,
 * which become visible only when complete. Every request carries a checksum the server verifies.
 */
export class S3Lake implements Lake {
  readonly bucket: string;
  readonly prefix: string;
  readonly #client: S3Client;
  readonly options: LakeOptions;
  #checked = false;

  constructor(
    readonly uri: string,
    options: LakeOptions = {},
  ) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Uri(uri));
    this.options = options;
    const maxAttempts = Number(process.env.AWS_MAX_ATTEMPTS) || 5;
    this.#client = new S3Client({
      // Path-style (`endpoint/bucket/key`) is what most S3-compatible servers expect.
      forcePathStyle: options.s3PathStyle ?? false,
      retryMode: process.env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard',
      maxAttempts,
    });
  }

  #key(key: string): string {
    if (
      key === '' ||
      key.startsWith('/') ||
      key.split('/').some((p) => p === '..' || p === '' || p === '.')
    ) {
      throw new FatalError(`invalid lake key "${key}"`);
    }
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  #encryption(): Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'> {
    const sse = this.options.s3ServerSideEncryption;
    if (!sse) return {};
    return sse === 'aws:kms'
      ? {
          ServerSideEncryption: 'aws:kms',
          ...(this.options.s3KmsKeyId ? { SSEKMSKeyId: this.options.s3KmsKeyId } : {}),
        }
      : { ServerSideEncryption: 'AES256' };
  }

  /** Fails once, early and clearly, when the bucket is missing or out of reach. */
  async #ready(): Promise<void> {
    if (this.#checked) return;
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw s3Error(error, `open lake ${this.uri}`, this.bucket);
    }
    this.#checked = true;
  }

  async #send<T>(what: string, op: () => Promise<T>): Promise<T> {
    await this.#ready();
    try {
      return await op();
    } catch (error) {
      throw s3Error(error, what, this.bucket);
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (bytes.byteLength >= MULTIPART_THRESHOLD) return this.#multipart(key, this.#key(key), bytes);
    await this.#send(`write ${key}`, () => this.#client.send(this.#putObject(key, bytes)));
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (bytes.byteLength >= MULTIPART_THRESHOLD)
      throw new FatalError(
        `S3: cannot write ${key} if absent: conditional writes are for small objects here`,
      );
    // S3 writes only where no object is, else answers 412.
    const put = this.#putObject(key, bytes, { IfNoneMatch: '*' });
    return this.#send(`write ${key}`, async () => {
      try {
        await this.#client.send(put);
        return true;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        // 412: an object is there; 409: another conditional write to the key was in flight.
        if (status === 412 || status === 409) return false;
        throw error;
      }
    });
  }

  /** A single-request write of `bytes` at `key`, checksummed and encrypted as every write is. */
  #putObject(key: string, bytes: Uint8Array, extra: Partial<PutObjectCommandInput> = {}): PutObjectCommand {
    return new PutObjectCommand({
      Bucket: this.bucket,
      Key: this.#key(key),
      Body: bytes,
      ChecksumAlgorithm: 'CRC32',
      ...this.#encryption(),
      ...extra,
    });
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const Key = this.#key(key);
    const { size } = await stat(localPath);
    if (size >= MULTIPART_THRESHOLD) await this.#multipart(key, Key, createReadStream(localPath));
    else await this.put(key, await readFile(localPath));
    await unlink(localPath);
  }

  async #multipart(key: string, Key: string, Body: Uint8Array | Readable): Promise<void> {
    // lib-storage aborts the multipart upload when a part fails, so no half object is ever visible.
    await this.#send(`write ${key} (multipart)`, () =>
      new Upload({
        client: this.#client,
        params: { Bucket: this.bucket, Key, Body, ChecksumAlgorithm: 'CRC32', ...this.#encryption() },
        partSize: PART_SIZE,
        queueSize: 4,
        leavePartsOnError: false,
      }).done(),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    const Key = this.#key(key);
    await this.#ready();
    try {
      const out = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key, ChecksumMode: 'ENABLED' }),
      );
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw s3Error(error, `read ${key}`, this.bucket);
    }
  }

  async list(prefix: string): Promise<LakeObject[]> {
    const base = this.prefix === '' ? '' : `${this.prefix}/`;
    const out: LakeObject[] = [];
    await this.#send(`list ${prefix || '(all)'}`, async () => {
      for await (const page of paginateListObjectsV2(
        { client: this.#client, pageSize: 1000 },
        { Bucket: this.bucket, Prefix: `${base}${prefix}` },
      )) {
        for (const o of page.Contents ?? []) {
          if (!o.Key?.startsWith(base) || o.Key.endsWith('/')) continue;
          out.push({ key: o.Key.slice(base.length), size: Number(o.Size ?? 0) });
        }
      }
    });
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async copy(from: string, to: string): Promise<void> {
    const source = `${this.bucket}/${this.#key(from)}`;
    try {
      await this.#send(`copy ${from} to ${to}`, () =>
        this.#client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: this.#key(to),
            // Keys are plain ASCII paths of our own making; CopySource takes them URL-encoded.
            CopySource: encodeURI(source),
            ChecksumAlgorithm: 'CRC32',
            ...this.#encryption(),
          }),
        ),
      );
    } catch (error) {
      // One CopyObject copies up to 5 GiB; a larger object comes down and goes up again.
      if (!/InvalidRequest|EntityTooLarge/.test(String((error as Error).message))) throw error;
      const copy = await this.localCopy(from);
      try {
        await this.putFile(to, copy.path);
      } finally {
        await copy.release();
      }
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.#key(key);
    await this.#send(`delete ${key}`, () =>
      this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })),
    );
  }

  async localCopy(key: string): Promise<LocalCopy> {
    const Key = this.#key(key);
    const dir = await scratchRoot();
    const file = path.join(dir, `copy-${randomBytes(6).toString('hex')}${path.extname(key)}`);
    await this.#send(`download ${key}`, async () => {
      const out = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key, ChecksumMode: 'ENABLED' }),
      );
      await pipeline(out.Body as Readable, createWriteStream(file));
    }).catch(async (error: unknown) => {
      await rm(file, { force: true });
      throw error;
    });
    return { path: file, release: () => rm(file, { force: true }) };
  }

  async scratch(name: string): Promise<LocalCopy> {
    const dir = await mkdtemp(path.join(await scratchRoot(), `${name.replace(/[^\w.-]/g, '_')}-`));
    return { path: dir, release: () => rm(dir, { recursive: true, force: true }) };
  }

  close(): void {
    this.#client.destroy();
  }
}

/**
 * The local folder for downloads and job files: `TWEETPIPE_SCRATCH_DIR`, else `tweetpipe-scratch`
 * in the system's temp folder. Each file or job folder in it is removed when released.
 */
async function scratchRoot(): Promise<string> {
  const dir = process.env.TWEETPIPE_SCRATCH_DIR || path.join(tmpdir(), 'tweetpipe-scratch');
  await mkdir(dir, { recursive: true });
  return dir;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
