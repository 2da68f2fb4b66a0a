import { type InfraConfig, lakeRoot } from './infra-config.js';

/** IAM documents, the same as infra/terraform writes (least privilege, TLS only). */
type Doc = { Version: '2012-10-17'; Statement: Record<string, unknown>[] };

const doc = (...Statement: Record<string, unknown>[]): Doc => ({ Version: '2012-10-17', Statement });

export function tlsOnlyBucketPolicy(bucket: string): Doc {
  return doc({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
}

export function trustPolicy(...services: string[]): Doc {
  return doc({
    Effect: 'Allow',
    Principal: { Service: services.length === 1 ? services[0] : services },
    Action: 'sts:AssumeRole',
  });
}

/** Redshift's COPY role: list and read only the processed zone, decrypt only through S3. */
export function copyPolicy(c: InfraConfig, kmsKeyArn: string): Doc {
  const processed = `${lakeRoot(c)}processed/`;
  return doc(
    {
      Sid: 'ListProcessedZone',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${c.bucket}`,
      Condition: { StringLike: { 's3:prefix': `${processed}*` } },
    },
    {
      Sid: 'LocateBucket',
      Effect: 'Allow',
      Action: 's3:GetBucketLocation',
      Resource: `arn:aws:s3:::${c.bucket}`,
    },
    {
      Sid: 'ReadProcessedZone',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${c.bucket}/${processed}*`,
    },
    {
      Sid: 'DecryptLakeObjects',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: kmsKeyArn,
      Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
    },
  );
}

/** The Spark jobs' runtime role: read and write the lake. */
export function sparkJobPolicy(c: InfraConfig, kmsKeyArn: string): Doc {
  return doc(
    {
      Sid: 'ListLake',
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:GetBucketLocation'],
      Resource: `arn:aws:s3:::${c.bucket}`,
    },
    {
      Sid: 'ReadWriteLake',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      Resource: `arn:aws:s3:::${c.bucket}/${lakeRoot(c)}*`,
    },
    {
      Sid: 'UseLakeKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: kmsKeyArn,
    },
  );
}

/** Compares two policy documents regardless of key order and URL encoding. */
export function samePolicy(a: string | undefined, b: Doc): boolean {
  if (!a) return false;
  try {
    return canonical(JSON.parse(decodeURIComponent(a))) === canonical(b);
  } catch {
    return false;
  }
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
