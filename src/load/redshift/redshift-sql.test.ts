import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.js';
import { TABLES } from '../../schema/tables.js';
import { STAR_TABLES } from '../star-schema.js';
import { batchStatements, copyManifest, MAX_VARCHAR, mergeStatements, redshiftDdl } from './redshift-sql.js';
import { parseRedshiftUri } from './redshift-uri.js';

const ROLE = 'arn:aws:iam::123456789012:role/tweetpipe-copy';
const table = (name: string) => STAR_TABLES.find((t) => t.name === name)!;
const all = (batchId = 'b-1') =>
  batchStatements({
    batchId,
    iamRole: ROLE,
    loadedAt: new Date('2026-11-20T12:00:00Z'),
    tables: STAR_TABLES.map((t) => ({
      table: t,
      manifestUrl:
        t.name === 'bridge_tweet_cashtags'
          ? undefined
          : `s3://lake/p/_state/redshift-copy/${batchId}/${t.name}.manifest.json`,
    })),
  });

describe('Redshift SQL, statement by statement', () => {
  it('DDL: sized VARCHARs, keys declared NOT NULL, fact and entity tables distributed on tweet_id', () => {
    const ddl = redshiftDdl();
    assert.equal(ddl.length, STAR_TABLES.length + 2);
    for (const sql of ddl) {
      assert.match(sql, /^CREATE TABLE IF NOT EXISTS "\w+" \(/);
      assert.doesNotMatch(sql, /VARCHAR(?!\(\d+\))/, 'a bare VARCHAR is 256 bytes in Redshift');
      assert.match(sql, /PRIMARY KEY \([^)]+\)\) DISTSTYLE (KEY|ALL|AUTO)/);
    }
    const fact = ddl.find((s) => s.includes('"fact_tweets"'))!;
    assert.match(fact, /"tweet_id" BIGINT NOT NULL/);
    assert.match(fact, new RegExp(`"text" VARCHAR\\(${MAX_VARCHAR}\\)`));
    assert.match(fact, /DISTSTYLE KEY DISTKEY \(tweet_id\) COMPOUND SORTKEY \(date_key, tweet_id\)$/);
    for (const name of [
      'bridge_tweet_hashtags',
      'tweet_mentions',
      'tweet_urls',
      'tweet_references',
      'tweet_media',
    ]) {
      assert.match(ddl.find((s) => s.includes(`"${name}"`))!, /DISTKEY \(tweet_id\)/, name);
    }
    assert.match(ddl.find((s) => s.includes('"dim_date"'))!, /DISTSTYLE ALL/);
  });

  it('a batch: LOCK first, then per table CREATE raw → COPY → stage → upsert; etl_loads; temp tables dropped', () => {
    const sqls = all().map((s) => s.sql);
    assert.equal(sqls[0], 'LOCK etl_loads');
    assert.match(
      sqls.at(-2)!,
      /^INSERT INTO etl_loads .* WHERE NOT EXISTS \(SELECT 1 FROM etl_loads WHERE batch_id = 'b-1'\)$/,
    );
    assert.match(sqls.at(-1)!, /^DROP TABLE raw_dim_users, stg_dim_users, new_dim_users, /);
    assert.doesNotMatch(sqls.join('\n'), /raw_bridge_tweet_cashtags/, 'no COPY for a table without files');
    assert.match(sqls.at(-2)!, /'bridge_tweet_cashtags' AS table_name, CAST\(0 AS BIGINT\)/);
    // Redshift's clock functions run on the leader node only and fail beside table data.
    assert.doesNotMatch(sqls.join('\n'), /GETDATE|SYSDATE|NOW\(\)|CURRENT_TIMESTAMP/i);
  });

  it('COPY: one manifest, columns by position from a staging table shaped like the Parquet file', () => {
    const statements = all();
    for (const t of STAR_TABLES.filter((t) => t.name !== 'bridge_tweet_cashtags')) {
      const i = statements.findIndex((s) => s.sql.startsWith(`COPY raw_${t.name} `));
      assert.ok(i > 0, t.name);
      assert.equal(
        statements[i]!.sql,
        `COPY raw_${t.name} FROM 's3://lake/p/_state/redshift-copy/b-1/${t.name}.manifest.json' IAM_ROLE '${ROLE}' FORMAT AS PARQUET MANIFEST`,
      );
      // The raw table right before it has the processed file's columns, in the file's order.
      const create = statements[i - 1]!.sql;
      const cols = [...create.matchAll(/"(\w+)" /g)].map((m) => m[1]);
      assert.deepEqual(
        cols,
        TABLES[t.from].columns.map(([c]) => c),
        `${t.name}: same columns, same order`,
      );
      assert.match(create, /^CREATE TEMP TABLE /);
    }
    assert.match(
      batchStatements({
        batchId: 'b',
        iamRole: 'default',
        loadedAt: new Date(),
        tables: [{ table: table('dim_users'), manifestUrl: 's3://x/m' }],
      })[2]!.sql,
      / IAM_ROLE default FORMAT/,
      'the cluster default role is a keyword, not a string',
    );
  });

  it('MERGE: one WHEN MATCHED and one WHEN NOT MATCHED, no extra conditions, a table as source, no target alias', () => {
    for (const t of STAR_TABLES.filter((t) => t.latestWins)) {
      const merges = mergeStatements(t, `raw_${t.name}`).filter((s) => s.sql.startsWith('MERGE'));
      assert.equal(merges.length, 1, t.name);
      const sql = merges[0]!.sql;
      assert.match(sql, new RegExp(`^MERGE INTO "${t.name}" USING stg_${t.name} AS src ON `));
      assert.equal(sql.match(/WHEN MATCHED/g)?.length, 1);
      assert.equal(sql.match(/WHEN NOT MATCHED/g)?.length, 1);
      assert.doesNotMatch(sql, /WHEN (NOT )?MATCHED AND/);
      assert.doesNotMatch(sql, /UPDATE SET [^=]*"\w+"\."\w+" =/, 'SET names columns without the table');
      for (const k of t.key)
        assert.doesNotMatch(
          sql.split('UPDATE SET')[1]!.split('WHEN NOT')[0]!,
          new RegExp(`"${k}" =`),
          'keys are not updated',
        );
    }
  });

  it('the staging keeps one row per key (a target row may match one source row only)', () => {
    const fact = mergeStatements(table('fact_tweets'), 'raw_fact_tweets');
    const stage = fact.find((s) => s.measure?.what === 'rows')!.sql;
    assert.match(
      stage,
      /ROW_NUMBER\(\) OVER \(PARTITION BY "tweet_id" ORDER BY retrieved_at DESC, batch_id DESC\) AS rn/,
    );
    assert.match(stage, /WHERE rn = 1$/);
    assert.match(stage, /CAST\(TO_CHAR\(created_date, 'YYYYMMDD'\) AS INTEGER\) AS date_key/);
    const bridge = mergeStatements(table('bridge_tweet_hashtags'), 'raw_bridge_tweet_hashtags');
    assert.equal(bridge.length, 3, 'entity rows: stage and an anti-join insert, no MERGE');
    assert.match(
      bridge[2]!.sql,
      /LEFT JOIN "bridge_tweet_hashtags" ON .* WHERE "bridge_tweet_hashtags"."tweet_id" IS NULL$/,
    );
  });

  it('quotes literals', () => {
    const sqls = all("b-'1").map((s) => s.sql);
    assert.ok(sqls.some((s) => s.includes("WHERE batch_id = 'b-''1'")));
    assert.ok(sqls.some((s) => s.includes("redshift-copy/b-''1/fact_tweets")));
  });

  it('a COPY manifest names every file with mandatory and content_length (Parquet needs it)', () => {
    assert.deepEqual(
      JSON.parse(copyManifest([{ url: 's3://b/p/processed/tweets/x.parquet', bytes: 1234 }])),
      {
        entries: [
          { url: 's3://b/p/processed/tweets/x.parquet', mandatory: true, meta: { content_length: 1234 } },
        ],
      },
    );
  });
});

describe('Redshift URIs', () => {
  it('reads redshift:// (TLS always, verified by default) and redshift-data://', () => {
    assert.deepEqual(parseRedshiftUri('redshift://etl:pw@example.abc.eu-west-1.redshift.amazonaws.com/dev'), {
      via: 'postgres-protocol',
      host: 'example.abc.eu-west-1.redshift.amazonaws.com',
      port: 5439,
      database: 'dev',
      user: 'etl',
      password: 'pw',
      sslmode: 'verify-full',
    });
    assert.deepEqual(parseRedshiftUri('redshift-data://analytics/dev'), {
      via: 'data-api',
      workgroupName: 'analytics',
      database: 'dev',
      dbUser: undefined,
    });
    assert.deepEqual(parseRedshiftUri('redshift-data://etl@prod-cluster/dev?type=cluster'), {
      via: 'data-api',
      clusterIdentifier: 'prod-cluster',
      database: 'dev',
      dbUser: 'etl',
    });
  });

  it('refuses what it cannot honour, naming the setting', () => {
    for (const bad of [
      'redshift://h/dev?sslmode=disable',
      'redshift://h',
      'redshift-data://wg/dev?type=serverless',
      'redshift-data://u:pw@wg/dev',
      'redshift://h/dev?iam_role=x',
    ]) {
      assert.throws(
        () => parseRedshiftUri(bad),
        (e: unknown) => e instanceof ConfigError && e.setting === 'TWEETPIPE_WAREHOUSE',
        bad,
      );
    }
  });
});
