import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { corpusMatches, type RunningEmulator, startEmulator } from '../emulator/index.js';
import { type AirflowHome, airflowHome, jsonOutput } from '../testing/airflow-home.js';
import { BIN } from '../testing/cli-child.js';
import { type TempWorkspace, tempWorkspace } from '../testing/temp-workspace.js';
import { query } from '../testing/warehouse-fingerprint.js';

const NOW = '2026-11-20T12:00:00.000Z';
const TOKEN = 'airflow-secret-bearer-0123456789';
const QUERY = 'climate lang:en';

interface AssetDetails {
  scheduled_dags: { dag_id: string }[];
  producing_tasks: { dag_id: string; task_id: string }[];
}

function allText(dir: string): string {
  let text = '';
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) text += readFileSync(path.join(e.parentPath ?? e.path, e.name), 'latin1');
  return text;
}

describe('Airflow DAGs in a real Airflow 3 (SQLite metadata database)', () => {
  let af: AirflowHome;
  let em: RunningEmulator;
  let ws: TempWorkspace;
  let env: NodeJS.ProcessEnv;
  let settings: (lake: string) => string;
  before(async () => {
    af = await airflowHome();
    em = await startEmulator({ now: NOW, seed: 17 });
    ws = tempWorkspace();
    const config = path.join(ws.dir, 'tweetpipe.config.json');
    writeFileSync(config, JSON.stringify({ queries: [QUERY], maxPosts: 100_000 }));
    settings = (lake: string) =>
      JSON.stringify({
        TWEETPIPE_LAKE: lake,
        TWEETPIPE_WAREHOUSE: `duckdb://${ws.warehousePath}`,
        TWEETPIPE_X_API_URL: em.url,
        TWEETPIPE_CONFIG: config,
      });
    env = {
      TWEETPIPE_BIN: `${process.execPath} ${BIN}`,
      TWEETPIPE_AIRFLOW_RETRIES: '0',
      // Settings as a deployment gives them: Variables, and the token from a Connection (here the
      // environment-variable secrets backend).
      AIRFLOW_VAR_TWEETPIPE_SETTINGS: settings(ws.lakeUri),
      AIRFLOW_CONN_TWEETPIPE_X: JSON.stringify({ conn_type: 'generic', password: TOKEN }),
    };
    const r = await af.run(['dags', 'reserialize'], env);
    assert.equal(r.code, 0, r.out.slice(-3000));
  });
  after(async () => {
    af?.remove();
    ws?.remove();
    await em?.close();
  });

  it('every DAG imports without errors, with its task, schedule and Asset links', async () => {
    assert.deepEqual(jsonOutput((await af.run(['dags', 'list-import-errors', '-o', 'json'], env)).out), []);
    const dags = jsonOutput<{ dag_id: string }[]>((await af.run(['dags', 'list', '-o', 'json'], env)).out);
    assert.deepEqual(dags.map((d) => d.dag_id).sort(), [
      'tweetpipe_collect',
      'tweetpipe_load',
      'tweetpipe_process',
    ]);
    const details = async (dag: string) =>
      jsonOutput<{ timetable_summary: string }[]>(
        (await af.run(['dags', 'details', dag, '-o', 'json'], env)).out,
      )[0]!;
    assert.equal((await details('tweetpipe_collect')).timetable_summary, '0 * * * *');
    assert.equal((await details('tweetpipe_process')).timetable_summary, 'Asset');
    assert.equal((await details('tweetpipe_load')).timetable_summary, 'Asset');
    const asset = async (name: string) =>
      jsonOutput<AssetDetails[]>(
        (await af.run(['assets', 'details', '--name', name, '-o', 'json'], env)).out,
      )[0]!;
    const landing = await asset('tweetpipe_landing');
    assert.deepEqual(
      landing.scheduled_dags.map((d) => d.dag_id),
      ['tweetpipe_process'],
    );
    assert.deepEqual(
      landing.producing_tasks.map((t) => `${t.dag_id}.${t.task_id}`),
      ['tweetpipe_collect.collect'],
    );
    const processed = await asset('tweetpipe_processed');
    assert.deepEqual(
      processed.scheduled_dags.map((d) => d.dag_id),
      ['tweetpipe_load'],
    );
    assert.deepEqual(
      processed.producing_tasks.map((t) => `${t.dag_id}.${t.task_id}`),
      ['tweetpipe_process.process'],
    );
    for (const [dag, task] of [
      ['tweetpipe_collect', 'collect'],
      ['tweetpipe_process', 'process'],
      ['tweetpipe_load', 'load'],
    ] as const)
      assert.match((await af.run(['tasks', 'list', dag], env)).out, new RegExp(`^${task}$`, 'm'));
  });

  it('airflow dags test runs collect → process → load for real; the warehouse holds the posts; no token in any log', async () => {
    const events = async (dag: string) =>
      Number((await af.sql(`SELECT count(*) FROM asset_event WHERE source_dag_id = '${dag}'`))[0]![0]);
    // With tweetpipe_process unpaused, collect's Asset event queues a process run for the scheduler.
    assert.equal((await af.run(['dags', 'unpause', 'tweetpipe_process'], env)).code, 0);
    for (const dag of ['tweetpipe_collect', 'tweetpipe_process', 'tweetpipe_load']) {
      const r = await af.run(['dags', 'test', dag], env);
      assert.equal(r.code, 0, `${dag}:\n${r.out.slice(-4000)}`);
      assert.match(r.out, /new_state=success/, dag);
    }
    assert.equal(await events('tweetpipe_collect'), 1, 'collect updated the landing Asset');
    assert.equal(await events('tweetpipe_process'), 1, 'process updated the processed Asset');
    const queued = await af.sql('SELECT target_dag_id FROM asset_dag_run_queue');
    assert.deepEqual(queued, [['tweetpipe_process']], 'the landing event queued a process run');
    const n = await query(ws, "SELECT count(*) AS c FROM fact_tweets WHERE collected_via = 'match'");
    assert.equal(Number(n[0]!.c), corpusMatches(em.corpus, QUERY, Date.parse(NOW)).length);
    assert.ok(!allText(af.home).includes(TOKEN), 'the bearer token is in no log or database');

    // Nothing new (frozen clock): collect skips and the landing Asset gets no event.
    const again = await af.run(['dags', 'test', 'tweetpipe_collect'], env);
    assert.equal(again.code, 0, again.out.slice(-3000));
    assert.match(again.out, /new_state=skipped/);
    assert.equal(await events('tweetpipe_collect'), 1);
  });

  it('a backfill-style run searches the full archive over its data interval', async () => {
    const before = em.requests.length;
    const r = await af.run(
      ['dags', 'test', 'tweetpipe_collect', '2026-11-18T05:30:00+00:00', '-c', '{"archive_window": true}'],
      env,
    );
    assert.equal(r.code, 0, r.out.slice(-3000));
    const archive = em.requests.slice(before).filter((q) => q.path === '/2/tweets/search/all');
    assert.ok(archive.length > 0);
    assert.equal(archive[0]!.params.get('start_time'), '2026-11-18T04:00:00Z');
    assert.equal(archive[0]!.params.get('end_time'), '2026-11-18T05:00:00Z');
  });

  it("a failing command fails the task with the command's own message, without retrying bad configuration", async () => {
    const r = await af.run(['dags', 'test', 'tweetpipe_collect'], {
      ...env,
      AIRFLOW_VAR_TWEETPIPE_SETTINGS: settings('ftp://nowhere'),
    });
    assert.match(r.out, /tweetpipe collect failed \(exit 2\): tweetpipe: TWEETPIPE_LAKE: unsupported scheme/);
    assert.match(r.out, /new_state=failed/);
  });
});
