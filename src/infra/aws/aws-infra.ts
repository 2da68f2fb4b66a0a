import {
  CreateApplicationCommand,
  DeleteApplicationCommand,
  EMRServerlessClient,
  GetApplicationCommand,
  ListApplicationsCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
} from '@aws-sdk/client-emr-serverless';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  CreateNamespaceCommand,
  CreateWorkgroupCommand,
  DeleteNamespaceCommand,
  DeleteWorkgroupCommand,
  GetNamespaceCommand,
  GetWorkgroupCommand,
  RedshiftServerlessClient,
  UpdateWorkgroupCommand,
} from '@aws-sdk/client-redshift-serverless';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { FatalError } from '../../core/errors.js';
import { type InfraConfig, lakeRoot, lakeUri } from '../infra-config.js';
import {
  copyPolicy,
  samePolicy,
  sparkJobPolicy,
  tlsOnlyBucketPolicy,
  trustPolicy,
} from '../infra-policies.js';

export type Action = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent' | 'skipped' | 'present';

export interface Change {
  resource: string;
  action: Action;
  detail?: string;
}

/** What `status` and `up` report: the TWEETPIPE_* settings for the CLI, from what exists. */
export type InfraSettings = Record<string, string>;

const notFound = (e: unknown, ...names: string[]) => {
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    names.includes(err.name ?? '') || names.includes(err.Code ?? '') || err.$metadata?.httpStatusCode === 404
  );
};

/**
 * `tweetpipe infra`: creates, inspects and removes the resources of `infra/terraform` with the AWS
 * SDK. Each step reads what exists first and changes only what differs, so a second `up` changes
 * nothing. Credentials, endpoints and retries come from the SDK's standard chain.
 */
export class AwsInfra {
  readonly #c: InfraConfig;
  readonly #kms: KMSClient;
  readonly #s3: S3Client;
  readonly #iam: IAMClient;
  readonly #sm: SecretsManagerClient;
  readonly #rs: RedshiftServerlessClient;
  readonly #emr: EMRServerlessClient;

  constructor(config: InfraConfig) {
    this.#c = config;
    const region = config.region;
    this.#kms = new KMSClient({ region });
    this.#s3 = new S3Client({
      region,
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
    });
    this.#iam = new IAMClient({ region });
    this.#sm = new SecretsManagerClient({ region });
    this.#rs = new RedshiftServerlessClient({ region });
    this.#emr = new EMRServerlessClient({ region });
  }

  get names() {
    const n = this.#c.name;
    return {
      keyAlias: `alias/${n}`,
      copyRole: `${n}-redshift-copy`,
      jobRole: `${n}-spark-job`,
      secret: `${n}/x-bearer-token`,
      namespace: n,
      workgroup: n,
      emrApp: `${n}-spark`,
    };
  }

  async up(report: (c: Change) => void): Promise<InfraSettings> {
    const key = await this.#ensureKey(report);
    await this.#ensureBucket(key, report);
    const copyRole = await this.#ensureRole(
      this.names.copyRole,
      ['redshift.amazonaws.com', 'redshift-serverless.amazonaws.com'],
      'read-processed-zone',
      copyPolicy(this.#c, key),
      report,
    );
    await this.#ensureSecret(key, report);
    let adminSecret: string | undefined;
    if (this.#c.redshift) adminSecret = await this.#ensureRedshift(key, copyRole, report);
    else report({ resource: 'redshift serverless', action: 'skipped', detail: '--no-redshift' });
    if (this.#c.emr) {
      await this.#ensureRole(
        this.names.jobRole,
        ['emr-serverless.amazonaws.com'],
        'tweetpipe-lake',
        sparkJobPolicy(this.#c, key),
        report,
      );
      await this.#ensureEmr(report);
    } else report({ resource: 'emr serverless', action: 'skipped', detail: '--no-emr' });
    return this.#settings(key, copyRole, adminSecret);
  }

  async status(report: (c: Change) => void): Promise<InfraSettings> {
    const key = await this.#findKey();
    report({ resource: `kms key ${this.names.keyAlias}`, action: key ? 'present' : 'absent' });
    const bucket = await this.#bucketExists();
    report({ resource: `s3 bucket ${this.#c.bucket}`, action: bucket ? 'present' : 'absent' });
    const role = await this.#roleArn(this.names.copyRole);
    report({ resource: `iam role ${this.names.copyRole}`, action: role ? 'present' : 'absent' });
    const secret = await this.#secretArn();
    report({ resource: `secret ${this.names.secret}`, action: secret ? 'present' : 'absent' });
    const ns = await this.#namespace();
    report({ resource: `redshift namespace ${this.names.namespace}`, action: ns ? 'present' : 'absent' });
    const app = await this.#emrApp();
    report({
      resource: `emr serverless ${this.names.emrApp}`,
      action: app ? 'present' : 'absent',
      detail: app?.applicationId,
    });
    return key && role ? this.#settings(key, role, ns?.adminPasswordSecretArn) : {};
  }

  async down(deleteData: boolean, report: (c: Change) => void): Promise<void> {
    // Refuse before touching anything when the lake holds data.
    const bucketExists = await this.#bucketExists();
    if (bucketExists && !deleteData) {
      const listed = await this.#s3.send(
        new ListObjectVersionsCommand({ Bucket: this.#c.bucket, MaxKeys: 1 }),
      );
      if ((listed.Versions?.length ?? 0) + (listed.DeleteMarkers?.length ?? 0) > 0)
        throw new FatalError(
          `s3://${this.#c.bucket} is not empty: nothing was deleted. Pass --delete-data to delete the lake's data with it (every object version), or empty it yourself.`,
        );
    }
    const app = await this.#emrApp();
    if (app) {
      await this.#emr
        .send(new StopApplicationCommand({ applicationId: app.applicationId }))
        .catch(() => undefined);
      await this.#emr.send(new DeleteApplicationCommand({ applicationId: app.applicationId }));
      report({ resource: `emr serverless ${this.names.emrApp}`, action: 'deleted' });
    }
    await this.#deleteRole(this.names.jobRole, 'tweetpipe-lake', report);
    if (await this.#workgroup()) {
      await this.#rs.send(new DeleteWorkgroupCommand({ workgroupName: this.names.workgroup }));
      await this.#waitGone(() => this.#workgroup(), 'workgroup');
      report({ resource: `redshift workgroup ${this.names.workgroup}`, action: 'deleted' });
    }
    if (await this.#namespace()) {
      await this.#rs.send(new DeleteNamespaceCommand({ namespaceName: this.names.namespace }));
      report({
        resource: `redshift namespace ${this.names.namespace}`,
        action: 'deleted',
        detail: 'with its AWS-managed admin secret',
      });
    }
    if (await this.#secretArn()) {
      await this.#sm.send(new DeleteSecretCommand({ SecretId: this.names.secret, RecoveryWindowInDays: 7 }));
      report({
        resource: `secret ${this.names.secret}`,
        action: 'deleted',
        detail: 'recoverable for 7 days',
      });
    }
    await this.#deleteRole(this.names.copyRole, 'read-processed-zone', report);
    if (bucketExists) {
      await this.#emptyBucket();
      await this.#s3.send(new DeleteBucketCommand({ Bucket: this.#c.bucket }));
      report({ resource: `s3 bucket ${this.#c.bucket}`, action: 'deleted' });
    }
    const key = await this.#findKey();
    if (key) {
      await this.#kms.send(new DeleteAliasCommand({ AliasName: this.names.keyAlias }));
      await this.#kms.send(
        new ScheduleKeyDeletionCommand({ KeyId: key.replace(/^.*:key\//, ''), PendingWindowInDays: 30 }),
      );
      report({
        resource: `kms key ${this.names.keyAlias}`,
        action: 'deleted',
        detail: 'deletion scheduled in 30 days',
      });
    }
  }

  #settings(key: string, copyRole: string, adminSecret: string | undefined): InfraSettings {
    const s: InfraSettings = {
      TWEETPIPE_LAKE: lakeUri(this.#c),
      TWEETPIPE_S3_SSE: 'aws:kms',
      TWEETPIPE_S3_KMS_KEY_ID: key,
    };
    if (this.#c.redshift || adminSecret) {
      s.TWEETPIPE_WAREHOUSE = `redshift-data://${this.names.workgroup}/${this.#c.database}`;
      s.TWEETPIPE_REDSHIFT_IAM_ROLE = copyRole;
      if (adminSecret) s.TWEETPIPE_REDSHIFT_SECRET_ARN = adminSecret;
    }
    return s;
  }

  async #findKey(): Promise<string | undefined> {
    let marker: string | undefined;
    do {
      const page = await this.#kms.send(new ListAliasesCommand({ Marker: marker }));
      const alias = page.Aliases?.find((a) => a.AliasName === this.names.keyAlias);
      if (alias?.TargetKeyId) {
        const d = await this.#kms.send(new DescribeKeyCommand({ KeyId: alias.TargetKeyId }));
        return d.KeyMetadata?.Arn;
      }
      marker = page.Truncated ? page.NextMarker : undefined;
    } while (marker);
    return undefined;
  }

  async #ensureKey(report: (c: Change) => void): Promise<string> {
    const resource = `kms key ${this.names.keyAlias}`;
    let arn = await this.#findKey();
    if (!arn) {
      const created = await this.#kms.send(
        new CreateKeyCommand({
          Description: `${this.#c.name}: encrypts the lake, the warehouse and the X bearer token`,
        }),
      );
      arn = created.KeyMetadata!.Arn!;
      await this.#kms.send(
        new CreateAliasCommand({ AliasName: this.names.keyAlias, TargetKeyId: created.KeyMetadata!.KeyId }),
      );
      await this.#kms.send(new EnableKeyRotationCommand({ KeyId: arn }));
      report({ resource, action: 'created', detail: 'rotation on' });
      return arn;
    }
    const rotation = await this.#kms.send(new GetKeyRotationStatusCommand({ KeyId: arn }));
    if (!rotation.KeyRotationEnabled) {
      await this.#kms.send(new EnableKeyRotationCommand({ KeyId: arn }));
      report({ resource, action: 'updated', detail: 'rotation turned on' });
    } else report({ resource, action: 'unchanged' });
    return arn;
  }

  async #bucketExists(): Promise<boolean> {
    try {
      await this.#s3.send(new HeadBucketCommand({ Bucket: this.#c.bucket }));
      return true;
    } catch (e) {
      if (notFound(e, 'NotFound', 'NoSuchBucket')) return false;
      throw e;
    }
  }

  async #ensureBucket(key: string, report: (c: Change) => void): Promise<void> {
    const Bucket = this.#c.bucket;
    const resource = `s3 bucket ${Bucket}`;
    const changed: string[] = [];
    if (!(await this.#bucketExists())) {
      await this.#s3.send(
        new CreateBucketCommand({
          Bucket,
          ObjectOwnership: 'BucketOwnerEnforced',
          CreateBucketConfiguration:
            this.#c.region === 'us-east-1' ? undefined : { LocationConstraint: this.#c.region as never },
        }),
      );
      changed.push('created');
    }
    const pab = await this.#s3.send(new GetPublicAccessBlockCommand({ Bucket })).catch((e) => {
      if (notFound(e, 'NoSuchPublicAccessBlockConfiguration')) return undefined;
      throw e;
    });
    const block = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    };
    const blocked = pab?.PublicAccessBlockConfiguration;
    if (!Object.keys(block).every((k) => blocked?.[k as keyof typeof block] === true)) {
      await this.#s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: block }));
      changed.push('public access blocked');
    }
    const versioning = await this.#s3.send(new GetBucketVersioningCommand({ Bucket }));
    if (versioning.Status !== 'Enabled') {
      await this.#s3.send(
        new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
      changed.push('versioning');
    }
    const enc = await this.#s3.send(new GetBucketEncryptionCommand({ Bucket })).catch((e) => {
      if (notFound(e, 'ServerSideEncryptionConfigurationNotFoundError')) return undefined;
      throw e;
    });
    const rule = enc?.ServerSideEncryptionConfiguration?.Rules?.[0];
    if (
      rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm !== 'aws:kms' ||
      rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID !== key ||
      !rule.BucketKeyEnabled
    ) {
      await this.#s3.send(
        new PutBucketEncryptionCommand({
          Bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key },
                BucketKeyEnabled: true,
              },
            ],
          },
        }),
      );
      changed.push('default encryption');
    }
    const policy = tlsOnlyBucketPolicy(Bucket);
    const current = await this.#s3.send(new GetBucketPolicyCommand({ Bucket })).catch((e) => {
      if (notFound(e, 'NoSuchBucketPolicy')) return undefined;
      throw e;
    });
    if (!samePolicy(current?.Policy, policy)) {
      await this.#s3.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(policy) }));
      changed.push('TLS-only policy');
    }
    const landing = `${lakeRoot(this.#c)}landing/`;
    const wanted = [
      {
        ID: 'landing-to-infrequent-access',
        Status: 'Enabled' as const,
        Filter: { Prefix: landing },
        Transitions: [{ Days: this.#c.landingTransitionDays, StorageClass: 'STANDARD_IA' as const }],
      },
      {
        ID: 'old-versions-and-failed-uploads',
        Status: 'Enabled' as const,
        Filter: { Prefix: '' },
        NoncurrentVersionExpiration: { NoncurrentDays: this.#c.noncurrentVersionDays },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ];
    const life = await this.#s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })).catch((e) => {
      if (notFound(e, 'NoSuchLifecycleConfiguration')) return undefined;
      throw e;
    });
    const summary = (
      rules:
        | {
            ID?: string;
            Status?: string;
            Filter?: { Prefix?: string };
            Transitions?: { Days?: number; StorageClass?: string }[];
            NoncurrentVersionExpiration?: { NoncurrentDays?: number };
            AbortIncompleteMultipartUpload?: { DaysAfterInitiation?: number };
          }[]
        | undefined,
    ) =>
      JSON.stringify(
        (rules ?? [])
          .map((r) => [
            r.ID,
            r.Status,
            r.Filter?.Prefix ?? '',
            r.Transitions?.[0]?.Days ?? null,
            r.Transitions?.[0]?.StorageClass ?? null,
            r.NoncurrentVersionExpiration?.NoncurrentDays ?? null,
            r.AbortIncompleteMultipartUpload?.DaysAfterInitiation ?? null,
          ])
          .sort(),
      );
    if (summary(life?.Rules) !== summary(wanted)) {
      await this.#s3.send(
        new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: wanted } }),
      );
      changed.push('lifecycle');
    }
    report({
      resource,
      action: changed[0] === 'created' ? 'created' : changed.length ? 'updated' : 'unchanged',
      detail: changed.filter((c) => c !== 'created').join(', ') || undefined,
    });
  }

  async #roleArn(RoleName: string): Promise<string | undefined> {
    try {
      return (await this.#iam.send(new GetRoleCommand({ RoleName }))).Role?.Arn;
    } catch (e) {
      if (notFound(e, 'NoSuchEntityException', 'NoSuchEntity')) return undefined;
      throw e;
    }
  }

  async #ensureRole(
    RoleName: string,
    services: string[],
    PolicyName: string,
    policy: ReturnType<typeof copyPolicy>,
    report: (c: Change) => void,
  ): Promise<string> {
    const resource = `iam role ${RoleName}`;
    const trust = trustPolicy(...services);
    let arn: string;
    const changed: string[] = [];
    try {
      const role = (await this.#iam.send(new GetRoleCommand({ RoleName }))).Role!;
      arn = role.Arn!;
      if (!samePolicy(role.AssumeRolePolicyDocument, trust)) {
        await this.#iam.send(
          new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: JSON.stringify(trust) }),
        );
        changed.push('trust');
      }
    } catch (e) {
      if (!notFound(e, 'NoSuchEntityException', 'NoSuchEntity')) throw e;
      arn = (
        await this.#iam.send(
          new CreateRoleCommand({
            RoleName,
            AssumeRolePolicyDocument: JSON.stringify(trust),
            Description: `tweetpipe (${services.join(', ')})`,
          }),
        )
      ).Role!.Arn!;
      changed.push('created');
    }
    const current = await this.#iam.send(new GetRolePolicyCommand({ RoleName, PolicyName })).catch((e) => {
      if (notFound(e, 'NoSuchEntityException', 'NoSuchEntity')) return undefined;
      throw e;
    });
    if (!samePolicy(current?.PolicyDocument, policy)) {
      await this.#iam.send(
        new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument: JSON.stringify(policy) }),
      );
      if (changed[0] !== 'created') changed.push('policy');
    }
    report({
      resource,
      action: changed[0] === 'created' ? 'created' : changed.length ? 'updated' : 'unchanged',
      detail: changed.filter((c) => c !== 'created').join(', ') || undefined,
    });
    return arn;
  }

  async #deleteRole(RoleName: string, PolicyName: string, report: (c: Change) => void): Promise<void> {
    if (!(await this.#roleArn(RoleName))) return;
    await this.#iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })).catch((e) => {
      if (!notFound(e, 'NoSuchEntityException', 'NoSuchEntity')) throw e;
    });
    await this.#iam.send(new DeleteRoleCommand({ RoleName }));
    report({ resource: `iam role ${RoleName}`, action: 'deleted' });
  }

  async #secretArn(): Promise<string | undefined> {
    try {
      const s = await this.#sm.send(new DescribeSecretCommand({ SecretId: this.names.secret }));
      return s.DeletedDate ? undefined : s.ARN;
    } catch (e) {
      if (notFound(e, 'ResourceNotFoundException')) return undefined;
      throw e;
    }
  }

  async #ensureSecret(key: string, report: (c: Change) => void): Promise<void> {
    const resource = `secret ${this.names.secret}`;
    try {
      const s = await this.#sm.send(new DescribeSecretCommand({ SecretId: this.names.secret }));
      if (s.KmsKeyId !== key) {
        await this.#sm.send(new UpdateSecretCommand({ SecretId: this.names.secret, KmsKeyId: key }));
        report({ resource, action: 'updated', detail: 'encryption key' });
      } else report({ resource, action: 'unchanged' });
    } catch (e) {
      if (!notFound(e, 'ResourceNotFoundException')) throw e;
      // Created without a value: the token is put in by its owner, never through tweetpipe.
      await this.#sm.send(
        new CreateSecretCommand({
          Name: this.names.secret,
          Description: 'X API v2 app-only bearer token for tweetpipe',
          KmsKeyId: key,
        }),
      );
      report({
        resource,
        action: 'created',
        detail: 'empty: aws secretsmanager put-secret-value --secret-id … --secret-string …',
      });
    }
  }

  async #namespace() {
    try {
      return (await this.#rs.send(new GetNamespaceCommand({ namespaceName: this.names.namespace })))
        .namespace;
    } catch (e) {
      if (notFound(e, 'ResourceNotFoundException')) return undefined;
      throw e;
    }
  }

  async #workgroup() {
    try {
      return (await this.#rs.send(new GetWorkgroupCommand({ workgroupName: this.names.workgroup })))
        .workgroup;
    } catch (e) {
      if (notFound(e, 'ResourceNotFoundException')) return undefined;
      throw e;
    }
  }

  async #ensureRedshift(
    key: string,
    copyRole: string,
    report: (c: Change) => void,
  ): Promise<string | undefined> {
    let ns = await this.#namespace();
    if (!ns) {
      ns = (
        await this.#rs.send(
          new CreateNamespaceCommand({
            namespaceName: this.names.namespace,
            dbName: this.#c.database,
            adminUsername: this.#c.adminUsername,
            manageAdminPassword: true,
            kmsKeyId: key,
            iamRoles: [copyRole],
            defaultIamRoleArn: copyRole,
            logExports: ['userlog', 'connectionlog', 'useractivitylog'],
          }),
        )
      ).namespace;
      report({
        resource: `redshift namespace ${this.names.namespace}`,
        action: 'created',
        detail: 'admin password managed by AWS',
      });
    } else report({ resource: `redshift namespace ${this.names.namespace}`, action: 'unchanged' });
    const wg = await this.#workgroup();
    if (!wg) {
      await this.#rs.send(
        new CreateWorkgroupCommand({
          workgroupName: this.names.workgroup,
          namespaceName: this.names.namespace,
          baseCapacity: this.#c.baseCapacity,
          publiclyAccessible: false,
          enhancedVpcRouting: true,
          subnetIds: this.#c.subnetIds,
          securityGroupIds: this.#c.securityGroupIds,
          configParameters: [{ parameterKey: 'require_ssl', parameterValue: 'true' }],
        }),
      );
      report({
        resource: `redshift workgroup ${this.names.workgroup}`,
        action: 'created',
        detail: 'not publicly accessible',
      });
    } else if (wg.publiclyAccessible) {
      await this.#rs.send(
        new UpdateWorkgroupCommand({ workgroupName: this.names.workgroup, publiclyAccessible: false }),
      );
      report({
        resource: `redshift workgroup ${this.names.workgroup}`,
        action: 'updated',
        detail: 'made private',
      });
    } else report({ resource: `redshift workgroup ${this.names.workgroup}`, action: 'unchanged' });
    return ns?.adminPasswordSecretArn;
  }

  async #emrApp() {
    let nextToken: string | undefined;
    do {
      const page = await this.#emr.send(new ListApplicationsCommand({ nextToken }));
      const app = page.applications?.find((a) => a.name === this.names.emrApp && a.state !== 'TERMINATED');
      if (app) return { applicationId: app.id! };
      nextToken = page.nextToken;
    } while (nextToken);
    return undefined;
  }

  async #ensureEmr(report: (c: Change) => void): Promise<void> {
    const resource = `emr serverless ${this.names.emrApp}`;
    const autoStop = { enabled: true, idleTimeoutMinutes: this.#c.emrIdleMinutes };
    const found = await this.#emrApp();
    if (!found) {
      const created = await this.#emr.send(
        new CreateApplicationCommand({
          name: this.names.emrApp,
          releaseLabel: this.#c.emrReleaseLabel,
          type: 'SPARK',
          autoStartConfiguration: { enabled: true },
          autoStopConfiguration: autoStop,
          maximumCapacity: { cpu: `${this.#c.emrMaxVcpu} vCPU`, memory: `${this.#c.emrMaxVcpu * 4} GB` },
        }),
      );
      report({
        resource,
        action: 'created',
        detail: `${created.applicationId}, stops after ${this.#c.emrIdleMinutes} idle minutes`,
      });
      return;
    }
    const app = (await this.#emr.send(new GetApplicationCommand({ applicationId: found.applicationId })))
      .application;
    if (
      !app?.autoStopConfiguration?.enabled ||
      app.autoStopConfiguration.idleTimeoutMinutes !== this.#c.emrIdleMinutes
    ) {
      await this.#emr.send(
        new UpdateApplicationCommand({ applicationId: found.applicationId, autoStopConfiguration: autoStop }),
      );
      report({ resource, action: 'updated', detail: 'auto-stop' });
    } else report({ resource, action: 'unchanged', detail: found.applicationId });
  }

  async #emptyBucket(): Promise<void> {
    for (;;) {
      const page = await this.#s3.send(new ListObjectVersionsCommand({ Bucket: this.#c.bucket }));
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
        Key: v.Key!,
        VersionId: v.VersionId,
      }));
      if (objects.length === 0) return;
      await this.#s3.send(
        new DeleteObjectsCommand({ Bucket: this.#c.bucket, Delete: { Objects: objects, Quiet: true } }),
      );
    }
  }

  async #waitGone(get: () => Promise<unknown>, what: string): Promise<void> {
    for (let i = 0; i < 120; i++) {
      if (!(await get())) return;
      await new Promise((r) => setTimeout(r, i < 5 ? 200 : 5000));
    }
    throw new FatalError(
      `the Redshift ${what} is still being deleted after 10 minutes; run \`tweetpipe infra down\` again later`,
    );
  }
}
