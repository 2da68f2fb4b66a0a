import { BucketAlreadyOwnedByYou, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** Creates `bucket` with the SDK's standard settings (tests and local set-ups; production buckets come from Terraform). */
export async function createBucket(bucket: string, options: { pathStyle?: boolean } = {}): Promise<void> {
  const client = new S3Client({ forcePathStyle: options.pathStyle ?? true });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
  } finally {
    client.destroy();
  }
}
