import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { isoTimeMs } from '../core/iso-time.js';
import { Secret } from '../core/secret.js';
import type { LakeOptions } from '../lake/lake.js';
import { parseRedshiftUri } from '../load/redshift/redshift-uri.js';
import type { WarehouseOptions } from '../load/warehouse.js';
import {
  DEFAULT_API_URL,
  DEFAULT_BATCH_POSTS,
  DEFAULT_LAKE,
  DEFAULT_MAX_POSTS,
  DEFAULT_WAREHOUSE,
  DEMO_QUERIES,
  type Settings,
} from './settings.js';

/** Keys allowed in `tweetpipe.config.json`. Anything else is refused so typos do not pass silently. */
const FILE_KEYS = [
  'apiUrl',
  'lake',
  'warehouse',
  'queries',
  'maxPosts',
  'batchPosts',
  'archive',
  'startTime',
  'endTime',
  'users',
  'lookupFiles',
  'streamRules',
  'maxCostUsd',
  'prices',
  'emulatorSeed',
  's3ServerSideEncryption',
  's3KmsKeyId',
  's3PathStyle',
  'redshiftIamRole',
] as const;
type FileConfig = Partial<Record<(typeof FILE_KEYS)[number], unknown>>;

export interface LoadSettingsOptions {
  /** Environment to read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Folder that relative paths and the config file are resolved from (default cwd). */
  cwd?: string;
  /** Explicit config file; when absent, `tweetpipe.config.json` in `cwd` is used if it exists. */
  configFile?: string;
}

/**
 * Reads `tweetpipe.config.json` (optional) and the environment, validates everything,
 * and fails fast with a `ConfigError` that names the offending setting.
 * Environment variables win over the file.
 */
export function loadSettings(options: LoadSettingsOptions = {}): Settings {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const { config: file, at } = readConfigFile(
    options.configFile ?? env.TWEETPIPE_CONFIG,
    options.configFile !== undefined ? '--config' : 'TWEETPIPE_CONFIG',
    cwd,
  );

  const tokenValue = (env.X_BEARER_TOKEN ?? env.TWITTER_BEARER_TOKEN ?? '').trim();
  const tokenName = env.X_BEARER_TOKEN !== undefined ? 'X_BEARER_TOKEN' : 'TWITTER_BEARER_TOKEN';
  if (tokenValue !== '' && /\s/.test(tokenValue)) {
    throw new ConfigError(tokenName, 'contains white space; paste the bearer token alone, without "Bearer "');
  }
  const bearerToken = tokenValue === '' ? undefined : new Secret(tokenValue);

  const apiUrlSetting = pick(env, 'TWEETPIPE_X_API_URL', file, 'apiUrl', at);
  const apiUrl = validateHttpUrl(apiUrlSetting.value ?? DEFAULT_API_URL, apiUrlSetting.name);
  const lakeSetting = pick(env, 'TWEETPIPE_LAKE', file, 'lake', at);
  const lake = resolveLakeUri(lakeSetting.value ?? DEFAULT_LAKE, cwd, lakeSetting.name);
  const lakeOptions = readLakeOptions(env, file, lake, at);
  const warehouseSetting = pick(env, 'TWEETPIPE_WAREHOUSE', file, 'warehouse', at);
  const warehouse = resolveWarehouseUri(
    warehouseSetting.value ?? DEFAULT_WAREHOUSE,
    cwd,
    warehouseSetting.name,
  );
  const warehouseOptions = readWarehouseOptions(env, file, warehouse, lake, at);

  const useBundledEmulator = bearerToken === undefined && apiUrl === DEFAULT_API_URL;
  let queries = readQueries(file.queries, at('queries'));
  if (queries.length === 0 && useBundledEmulator) queries = DEMO_QUERIES;

  const maxPosts = readPositiveInt(file.maxPosts, at('maxPosts')) ?? DEFAULT_MAX_POSTS;
  const batchPosts = readPositiveInt(file.batchPosts, at('batchPosts')) ?? DEFAULT_BATCH_POSTS;
  const emulatorSeed = readPositiveInt(file.emulatorSeed, at('emulatorSeed')) ?? 42;
  if (file.archive !== undefined && typeof file.archive !== 'boolean')
    throw new ConfigError(at('archive'), 'must be true or false');
  const startTime =
    file.startTime === undefined ? undefined : parseIsoTime(String(file.startTime), at('startTime'));
  const endTime = file.endTime === undefined ? undefined : parseIsoTime(String(file.endTime), at('endTime'));
  const users = readStrings(file.users, at('users'));
  for (const u of users) checkUser(u, at('users'));
  const lookupFiles = readStrings(file.lookupFiles, at('lookupFiles')).map((f) => path.resolve(cwd, f));
  const streamRules = readStreamRules(file.streamRules, at('streamRules'));
  const maxCostUsd = file.maxCostUsd === undefined ? undefined : readUsd(file.maxCostUsd, at('maxCostUsd'));
  const prices = readPrices(file.prices, at('prices'));

  return {
    bearerToken,
    apiUrl,
    useBundledEmulator,
    lake,
    lakeOptions,
    warehouse,
    warehouseOptions,
    queries,
    maxPosts,
    batchPosts,
    archive: file.archive === true,
    startTime,
    endTime,
    users,
    lookupFiles,
    streamRules,
    maxCostUsd,
    prices,
    emulatorSeed,
  };
}

/** How an error names a key of the config file: `lake (tweetpipe.config.json)`. */
type InFile = (key: string) => string;

/** The config file's settings, and how errors name its keys (after the file, as given). */
function readConfigFile(
  explicit: string | undefined,
  explicitName: string,
  cwd: string,
): { config: FileConfig; at: InFile } {
  const file = explicit ? path.resolve(cwd, explicit) : path.join(cwd, 'tweetpipe.config.json');
  // Named as the user would type it: relative to the working folder, or in full outside it.
  const relative = path.relative(cwd, file);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  const at: InFile = (key) => `${key} (${shown})`;
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError(explicitName, `config file ${file} does not exist`);
    return { config: {}, at };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(shown, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(shown, 'must hold a JSON object');
  }
  for (const key of Object.keys(parsed)) {
    if (/token|secret|password/i.test(key)) {
      throw new ConfigError(key, `secrets do not belong in ${shown}; set X_BEARER_TOKEN instead`);
    }
    if (!(FILE_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(key, `unknown setting in ${shown} (known: ${FILE_KEYS.join(', ')})`);
    }
  }
  return { config: parsed as FileConfig, at };
}

/**
 * A setting from the environment, else from the config file, and the name an error gives it: the
 * variable when the environment set it (it wins over the file), else the file's key, so the
 * message points at what to fix.
 */
function pick(
  env: NodeJS.ProcessEnv,
  envName: string,
  file: FileConfig,
  fileKey: keyof FileConfig,
  at: InFile,
): { value: string | undefined; name: string } {
  const fromEnv = env[envName]?.trim();
  if (fromEnv) return { value: fromEnv, name: envName };
  const name = at(fileKey);
  const fileValue = file[fileKey];
  if (fileValue === undefined) return { value: undefined, name };
  if (typeof fileValue !== 'string' || fileValue.trim() === '') {
    throw new ConfigError(name, 'must be a non-empty string');
  }
  return { value: fileValue.trim(), name };
}

function validateHttpUrl(raw: string, name: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `"${raw}" is not a URL (expected e.g. ${DEFAULT_API_URL})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, `must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.username || url.password) throw new ConfigError(name, 'must not contain credentials');
  return raw.replace(/\/+$/, '');
}

/** Turns `file://./x` and plain paths into an absolute `file://` URI; checks `s3://BUCKET/PREFIX`. */
function resolveLakeUri(raw: string, cwd: string, name: string): string {
  if (raw.startsWith('s3://')) {
    const match = /^s3:\/\/([^/]*)(\/.*)?$/.exec(raw);
    const bucket = match?.[1] ?? '';
    // S3's bucket naming rules (3–63 lower-case letters, digits, dots and hyphens).
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new ConfigError(name, `"${bucket}" is not a valid S3 bucket name (expected s3://BUCKET/PREFIX)`);
    }
    const prefix = (match?.[2] ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix.split('/').some((p) => p === '..' || p === '.') || prefix.includes('//')) {
      throw new ConfigError(name, `prefix "${prefix}" has empty, "." or ".." segments`);
    }
    return prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}`;
  }
  const local = stripScheme(raw, 'file://', name, 'file://PATH or s3://BUCKET/PREFIX');
  return pathToFileURL(path.resolve(cwd, local)).href;
}

/** S3 settings: environment first, then the config file. Credentials are never read from here. */
function readLakeOptions(env: NodeJS.ProcessEnv, file: FileConfig, lake: string, at: InFile): LakeOptions {
  const { value: sse, name: sseName } = pick(env, 'TWEETPIPE_S3_SSE', file, 's3ServerSideEncryption', at);
  if (sse !== undefined && sse !== 'AES256' && sse !== 'aws:kms') {
    throw new ConfigError(sseName, `must be AES256 or aws:kms, got "${sse}"`);
  }
  const { value: kmsKeyId, name: kmsName } = pick(env, 'TWEETPIPE_S3_KMS_KEY_ID', file, 's3KmsKeyId', at);
  if (kmsKeyId !== undefined && sse !== 'aws:kms') {
    throw new ConfigError(kmsName, 'is only used with server-side encryption aws:kms (TWEETPIPE_S3_SSE)');
  }
  let pathStyle: boolean | undefined;
  const rawStyle = env.TWEETPIPE_S3_PATH_STYLE?.trim();
  if (rawStyle !== undefined && rawStyle !== '') {
    if (!['true', 'false', '1', '0'].includes(rawStyle.toLowerCase())) {
      throw new ConfigError('TWEETPIPE_S3_PATH_STYLE', `must be true or false, got "${rawStyle}"`);
    }
    pathStyle = ['true', '1'].includes(rawStyle.toLowerCase());
  } else if (file.s3PathStyle !== undefined) {
    if (typeof file.s3PathStyle !== 'boolean') {
      throw new ConfigError(at('s3PathStyle'), 'must be true or false');
    }
    pathStyle = file.s3PathStyle;
  } else {
    // A custom endpoint means an S3-compatible server: those expect path-style addressing.
    pathStyle = Boolean(env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim());
  }
  for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'] as const) {
    const value = env[name]?.trim();
    if (value) validateHttpUrl(value, name);
  }
  if (!lake.startsWith('s3://')) return {};
  return {
    s3PathStyle: pathStyle,
    ...(sse ? { s3ServerSideEncryption: sse } : {}),
    ...(kmsKeyId ? { s3KmsKeyId: kmsKeyId } : {}),
  };
}

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
// Names may hold `!` (Redshift's managed admin secrets are `redshift!NAMESPACE-admin-…`).
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w+=,.@/!-]+$/;

/** Redshift's settings: checked whenever they are set, required when the warehouse is Redshift. */
function readWarehouseOptions(
  env: NodeJS.ProcessEnv,
  file: FileConfig,
  warehouse: string,
  lake: string,
  at: InFile,
): WarehouseOptions {
  const { value: iamRole, name: roleName } = pick(
    env,
    'TWEETPIPE_REDSHIFT_IAM_ROLE',
    file,
    'redshiftIamRole',
    at,
  );
  if (iamRole !== undefined && iamRole !== 'default' && !IAM_ROLE_ARN.test(iamRole)) {
    throw new ConfigError(
      roleName,
      `expected an IAM role ARN (arn:aws:iam::123456789012:role/NAME) or "default", got "${iamRole}"`,
    );
  }
  const secretArn = env.TWEETPIPE_REDSHIFT_SECRET_ARN?.trim() || undefined;
  if (secretArn !== undefined && !SECRET_ARN.test(secretArn)) {
    throw new ConfigError(
      'TWEETPIPE_REDSHIFT_SECRET_ARN',
      'expected a Secrets Manager ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME)',
    );
  }
  if (/^redshift(-data)?:/.test(warehouse)) {
    if (!lake.startsWith('s3://')) {
      throw new ConfigError(
        'TWEETPIPE_WAREHOUSE',
        `Redshift loads each batch with COPY straight from S3, which cannot read a lake on this machine (${lake}); ` +
          'set TWEETPIPE_LAKE=s3://BUCKET/PREFIX, or use a duckdb:// or postgres:// warehouse',
      );
    }
    if (iamRole === undefined) {
      throw new ConfigError(
        'TWEETPIPE_REDSHIFT_IAM_ROLE',
        'is required with a Redshift warehouse: the IAM role Redshift assumes to COPY from the S3 lake (an ARN, or "default" for the cluster\'s default role)',
      );
    }
  }
  return {
    ...(iamRole ? { redshiftIamRole: iamRole } : {}),
    ...(secretArn ? { redshiftSecretArn: secretArn } : {}),
  };
}

function resolveWarehouseUri(raw: string, cwd: string, name: string): string {
  if (/^(redshift|redshift-data):\/\//.test(raw)) {
    parseRedshiftUri(raw, name); // names what is wrong with it
    return raw;
  }
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      const url = new URL(raw.replace(/^postgresql:/, 'postgres:'));
      if (url.pathname.length <= 1) throw new Error('no database');
    } catch {
      throw new ConfigError(name, 'expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]');
    }
    return raw;
  }
  const local = stripScheme(
    raw,
    'duckdb://',
    name,
    'duckdb://PATH, postgres://…, redshift://… or redshift-data://…',
  );
  return `duckdb://${path.resolve(cwd, local)}`;
}

function stripScheme(raw: string, scheme: string, name: string, expected: string): string {
  if (raw.startsWith(scheme)) {
    const rest = raw.slice(scheme.length);
    if (rest === '') throw new ConfigError(name, `has no path (expected ${expected})`);
    return decodeURIComponent(rest);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new ConfigError(name, `unsupported scheme in "${raw}" (expected ${expected})`);
  }
  return raw;
}

function readQueries(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((q) => typeof q !== 'string' || q.trim() === '')) {
    throw new ConfigError(name, 'must be an array of non-empty strings');
  }
  return value.map((q: string) => q.trim());
}

function readPositiveInt(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(name, 'must be a positive whole number');
  }
  return value;
}

/** Parses a CLI integer option, naming the flag when it is invalid. */
export function parsePositiveInt(raw: string, flag: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) <= 0)
    throw new ConfigError(flag, `must be a positive whole number, got "${raw}"`);
  return Number(raw);
}

function readStrings(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((q) => typeof q !== 'string' || q.trim() === ''))
    throw new ConfigError(name, 'must be an array of non-empty strings');
  return value.map((q: string) => q.trim());
}

function readStreamRules(value: unknown, name: string): { value: string; tag: string }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(name, 'must be an array of {"value": …, "tag": …}');
  const tags = new Set<string>();
  return value.map((r: unknown, i: number) => {
    const rule = r as { value?: unknown; tag?: unknown };
    if (
      typeof rule?.value !== 'string' ||
      rule.value.trim() === '' ||
      typeof rule.tag !== 'string' ||
      rule.tag === ''
    )
      throw new ConfigError(name, `rule ${i + 1} needs a non-empty "value" and "tag"`);
    if (tags.has(rule.tag))
      throw new ConfigError(name, `tag "${rule.tag}" is used twice; tags identify rules`);
    tags.add(rule.tag);
    return { value: rule.value.trim(), tag: rule.tag };
  });
}

function readUsd(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new ConfigError(name, 'must be a positive amount in US dollars, e.g. 5 or 0.5');
  return value;
}

function readPrices(value: unknown, name: string): { postRead: number; userRead: number } {
  const defaults = { postRead: 0.005, userRead: 0.01 };
  if (value === undefined) return defaults;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(name, 'must be an object like {"postRead": 0.005, "userRead": 0.01}');
  const out = { ...defaults };
  for (const [k, v] of Object.entries(value)) {
    if (k !== 'postRead' && k !== 'userRead')
      throw new ConfigError(name, `unknown price "${k}" (known: postRead, userRead)`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new ConfigError(name, `"${k}" must be a price in US dollars, e.g. 0.005`);
    out[k] = v;
  }
  return out;
}

/** Parses a CLI dollar amount, naming the flag when it is invalid. */
export function parseUsd(raw: string, flag: string): number {
  const n = Number(raw.replace(/^\$/, ''));
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new ConfigError(flag, `must be a positive amount in US dollars, got "${raw}"`);
  return n;
}

/**
 * Checks an ISO 8601 time as X accepts it (`2026-01-31T00:00:00Z`, or a date for midnight UTC) and
 * returns it normalised to UTC; a day that does not exist (30 February) is refused, not rolled over.
 */
export function parseIsoTime(raw: string, name: string): string {
  const ms = isoTimeMs(raw, { dateOnly: true });
  if (ms === undefined)
    throw new ConfigError(name, `"${raw}" is not an ISO 8601 time such as 2026-01-31T00:00:00Z`);
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A search query from the command line: trimmed, and not empty (X answers 400 to an empty one). */
export function checkQuery(raw: string, name: string): string {
  const q = raw.trim();
  if (q === '') throw new ConfigError(name, 'must not be empty');
  return q;
}

/** A username (1–15 letters, digits, underscores; `@` optional) or a numeric user ID. */
export function checkUser(raw: string, name: string): string {
  const u = raw.replace(/^@/, '');
  if (!/^\d{1,19}$/.test(u) && !/^[A-Za-z0-9_]{1,15}$/.test(u))
    throw new ConfigError(
      name,
      `"${raw}" is neither a username (letters, digits, _; up to 15) nor a numeric user ID`,
    );
  return u;
}
