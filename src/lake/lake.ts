/** One object in the lake. */
export interface LakeObject {
  /** Key relative to the lake root, `/`-separated. */
  key: string;
  size: number;
}

/** A local file holding an object's bytes; call `release` when done reading. */
export interface LocalCopy {
  path: string;
  release(): Promise<void>;
}

/** How a lake is opened beyond its URI (S3 settings; ignored by the local lake). Plain data, so workers get it too. */
export interface LakeOptions {
  /** Server-side encryption for every object written to S3. */
  s3ServerSideEncryption?: 'AES256' | 'aws:kms';
  /** KMS key id or ARN for `aws:kms` (the bucket's default key when absent). */
  s3KmsKeyId?: string;
  /** Path-style addressing (`endpoint/bucket/key`), as S3-compatible servers expect. */
  s3PathStyle?: boolean;
}

/**
 * The data lake: a root URI and objects addressed by `/`-separated keys.
 * Every write is atomic — a reader sees the whole object or none of it.
 */
export interface Lake {
  readonly uri: string;
  readonly options: LakeOptions;
  /** Writes `body` at `key` atomically, replacing any object there. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /**
   * Writes `body` at `key` only if no object is there, as one atomic step: of several writers
   * racing for the same key exactly one gets true. False when an object was already there.
   */
  putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean>;
  /** Moves the local file at `localPath` to `key` (the file is consumed). */
  putFile(key: string, localPath: string): Promise<void>;
  /**
   * Copies the object at `from` to `to`, atomically, replacing any object there; the store copies
   * it itself where it can (S3 CopyObject), so the bytes need not pass through this process.
   */
  copy(from: string, to: string): Promise<void>;
  /** The object's bytes; undefined when it does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<LakeObject[]>;
  delete(key: string): Promise<void>;
  /** A readable local file with the object's bytes (the object itself on a local lake). */
  localCopy(key: string): Promise<LocalCopy>;
  /** A local folder for temporary files of one job; removed by `release`. */
  scratch(name: string): Promise<LocalCopy>;
  /** Releases connections; the lake is not used afterwards. */
  close?(): void;
}

/** Reads and parses a JSON object; undefined when absent. */
export async function getJson<T>(lake: Lake, key: string): Promise<T | undefined> {
  const body = await lake.get(key);
  return body === undefined ? undefined : (JSON.parse(body.toString('utf8')) as T);
}

/** Writes `value` as pretty JSON, atomically. */
export function putJson(lake: Lake, key: string, value: unknown): Promise<void> {
  return lake.put(key, `${JSON.stringify(value, null, 2)}\n`);
}
