import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, StoppedError } from '../../core/errors.js';
import type { Progress } from '../../core/progress.js';
import type { Lake, LocalCopy } from '../../lake/lake.js';
import type { Engine, LandingBatch } from '../engine.js';
import type { ProcessedManifest } from '../processed-manifest.js';
import { checkEmrTarget, type EmrServerlessTarget } from './emr-target.js';
import { commitSparkOutput, lakeOutput, localOutput } from './spark-output.js';
import {
  confArgs,
  findSparkSubmit,
  runSparkSubmit,
  SPARK_JOB,
  s3aSparkConf,
  sparkS3Jars,
} from './spark-submit.js';

export interface SparkEngineOptions {
  /** The spark-submit to run: TWEETPIPE_SPARK_SUBMIT, else `.venv-spark/bin/spark-submit` (`make spark-deps`). */
  sparkSubmit?: string;
  /** Spark master (default local[2]: both cores of one machine). */
  master?: string;
  /** Extra Spark settings (`--spark-conf KEY=VALUE`), for local runs and EMR alike. */
  conf?: Record<string, string>;
  /** Run on EMR Serverless instead of a local spark-submit (needs an s3:// lake). */
  emr?: EmrServerlessTarget;
}

/** Lake prefix of the job files uploaded for EMR, and of each run's spec and output. */
const JOBS = '_spark/jobs';
const RUNS = '_spark/runs';

/**
 * The Spark engine: the PySpark job in `spark/` flattens and writes each batch; this adapter gives
 * it the batches, runs it (local spark-submit, or EMR Serverless), then moves its Parquet files
 * into the lake under the DuckDB engine's names, writes quarantine and commits the processed
 * manifest last. Three ways to run:
 * - local Spark on a local lake: the job reads the part files where they are;
 * - local Spark on an S3 lake: the job reads and writes `s3a://` itself when the hadoop-aws jars are
 *   installed (`make spark-s3-jars`), else it is given local copies of the parts;
 * - EMR Serverless: the job file, the spec and the output live in the S3 lake (`s3://`).
 */
export class SparkEngine implements Engine {
  readonly name = 'spark';
  readonly #submit: string | undefined;
  readonly #master: string;
  readonly #conf: Record<string, string>;
  readonly #emr: EmrServerlessTarget | undefined;
  #hinted = false;

  constructor(options: SparkEngineOptions = {}) {
    this.#emr = options.emr;
    if (this.#emr) checkEmrTarget(this.#emr);
    else this.#submit = findSparkSubmit(options.sparkSubmit);
    this.#master = options.master ?? 'local[2]';
    this.#conf = options.conf ?? {};
  }

  processBatch(lake: Lake, batch: LandingBatch, progress: Progress): Promise<ProcessedManifest> {
    return this.#run(lake, [batch], progress).then((m) => m[0]!);
  }

  async *processBatches(
    lake: Lake,
    batches: LandingBatch[],
    progress: Progress,
    signal?: AbortSignal,
  ): AsyncIterable<ProcessedManifest> {
    // Starting a Spark application costs seconds locally and a minute or more on EMR, so batches
    // share one.
    const per = this.#emr ? 64 : 8;
    for (let i = 0; i < batches.length; i += per) {
      // Asked to stop between two Spark runs: start no other (the batches done so far are committed).
      if (signal?.aborted) {
        const name = String(signal.reason);
        throw new StoppedError(name, `stopped by ${name}; ${i} of ${batches.length} batches were processed`);
      }
      for (const m of await this.#run(lake, batches.slice(i, i + per), progress, signal)) yield m;
    }
  }

  async #run(
    lake: Lake,
    batches: LandingBatch[],
    progress: Progress,
    signal?: AbortSignal,
  ): Promise<ProcessedManifest[]> {
    const s3 = lake.uri.startsWith('s3://');
    if (this.#emr && !s3)
      throw new ConfigError(
        '--emr-application-id',
        `EMR Serverless reads and writes the lake itself, so TWEETPIPE_LAKE must be an s3:// lake (it is ${lake.uri})`,
      );
    const jars = s3 && !this.#emr ? sparkS3Jars() : undefined;
    if (this.#emr || jars) return this.#runInLake(lake, batches, progress, jars, signal);
    if (s3 && !this.#hinted) {
      progress.info(
        'process: Spark is given local copies of the S3 parts; `make spark-s3-jars` lets it read and write s3:// itself (s3a)',
      );
      this.#hinted = true;
    }
    return this.#runOnCopies(lake, batches, progress, signal);
  }

  /** The job reads the lake itself and writes under `_spark/runs/<run>/` in it. */
  async #runInLake(
    lake: Lake,
    batches: LandingBatch[],
    progress: Progress,
    jars: string[] | undefined,
    signal?: AbortSignal,
  ): Promise<ProcessedManifest[]> {
    const scheme = this.#emr ? 's3' : 's3a';
    const uri = (key: string) => `${scheme}://${lake.uri.slice('s3://'.length).replace(/\/+$/, '')}/${key}`;
    const runId = `${batches[0]!.manifest.batch_id}-${randomBytes(4).toString('hex')}`;
    const prefix = `${RUNS}/${runId}`;
    try {
      const spec = { batches: [] as unknown[] };
      for (const b of batches) {
        const present = new Set<string>();
        for (const dir of new Set(b.manifest.parts.map((p) => p.key.slice(0, p.key.lastIndexOf('/') + 1))))
          for (const o of await lake.list(dir)) present.add(o.key);
        spec.batches.push({
          batch_id: b.manifest.batch_id,
          parts: b.manifest.parts.map((p) => ({
            key: p.key,
            path: uri(p.key),
            sha256: p.sha256,
            ...(present.has(p.key) ? {} : { missing: true }),
          })),
        });
      }
      await lake.put(`${prefix}/spec.json`, JSON.stringify(spec));
      const args = ['--spec', uri(`${prefix}/spec.json`), '--out', uri(`${prefix}/out`)];
      if (this.#emr) {
        const job = await uploadJob(lake);
        progress.update(`process: submitting the Spark job on ${batches.length} batch(es) to EMR Serverless`);
        // The EMR Serverless client loads only for EMR runs.
        const { runOnEmrServerless } = await import('./emr-serverless-job.js');
        await runOnEmrServerless(
          this.#emr,
          {
            name: `tweetpipe-process-${runId}`,
            clientToken: runId,
            entryPoint: uri(job),
            entryPointArguments: args,
            sparkSubmitParameters: confArgs(this.#conf).join(' '),
          },
          progress,
          signal,
        );
      } else {
        progress.update(`process: Spark job on ${batches.length} batch(es), reading s3a:// directly`);
        await runSparkSubmit(
          this.#submit!,
          [
            '--master',
            this.#master,
            '--jars',
            jars!.join(','),
            ...confArgs({ 'spark.ui.enabled': 'false', ...s3aSparkConf(lake.options), ...this.#conf }),
            SPARK_JOB,
            ...args,
          ],
          signal,
        );
      }
      return await commitSparkOutput(lake, batches, lakeOutput(lake, `${prefix}/out`), this.name);
    } finally {
      for (const o of await lake.list(`${prefix}/`)) await lake.delete(o.key);
    }
  }

  /** The job reads local files: the lake's own (local lake) or copies (S3 lake without S3A). */
  async #runOnCopies(
    lake: Lake,
    batches: LandingBatch[],
    progress: Progress,
    signal?: AbortSignal,
  ): Promise<ProcessedManifest[]> {
    const scratch = await lake.scratch(`spark-${batches[0]!.manifest.batch_id}`);
    const copies: LocalCopy[] = [];
    try {
      const spec = { batches: [] as unknown[] };
      for (const b of batches) {
        const parts = [];
        for (const part of b.manifest.parts) {
          try {
            const copy = await lake.localCopy(part.key);
            copies.push(copy);
            parts.push({ key: part.key, path: copy.path, sha256: part.sha256 });
          } catch {
            // The job quarantines it as missing, as the DuckDB engine does.
            parts.push({ key: part.key, path: part.key, sha256: part.sha256, missing: true });
          }
        }
        spec.batches.push({ batch_id: b.manifest.batch_id, parts });
      }
      const specFile = path.join(scratch.path, 'spec.json');
      const out = path.join(scratch.path, 'out');
      await writeFile(specFile, JSON.stringify(spec));
      progress.update(`process: Spark job on ${batches.length} batch(es)`);
      await runSparkSubmit(
        this.#submit!,
        [
          '--master',
          this.#master,
          ...confArgs({ 'spark.ui.enabled': 'false', ...this.#conf }),
          SPARK_JOB,
          '--spec',
          specFile,
          '--out',
          out,
        ],
        signal,
      );
      return await commitSparkOutput(lake, batches, localOutput(out), this.name);
    } finally {
      for (const c of copies) await c.release();
      await scratch.release();
    }
  }

  async close(): Promise<void> {}
}

/** Puts the job file in the lake under a name that changes with its content; returns its key. */
async function uploadJob(lake: Lake): Promise<string> {
  const body = await readFile(SPARK_JOB);
  const key = `${JOBS}/tweetpipe_process-${createHash('sha256').update(body).digest('hex').slice(0, 16)}.py`;
  if ((await lake.list(key)).every((o) => o.key !== key)) await lake.put(key, body);
  return key;
}
