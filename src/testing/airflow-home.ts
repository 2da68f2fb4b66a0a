import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The repository's DAG folder. */
export const DAGS_FOLDER = path.join(ROOT, 'airflow', 'dags');

/** A throw-away Airflow installation: its own AIRFLOW_HOME with a SQLite metadata database. */
export interface AirflowHome {
  home: string;
  /** Runs `airflow ARGS` with the home's settings plus `env`. */
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }>;
  /** Rows of a query on the SQLite metadata database (read with the venv's Python, as Node 20 has no SQLite). */
  sql(query: string): Promise<unknown[][]>;
  remove(): void;
}

/** The `airflow` executable: TWEETPIPE_TEST_AIRFLOW, else `.venv-airflow/bin/airflow` (`make airflow-deps`). */
export function airflowBin(): string {
  const bin = process.env.TWEETPIPE_TEST_AIRFLOW ?? path.join(ROOT, '.venv-airflow', 'bin', 'airflow');
  if (!existsSync(bin)) throw new Error(`${bin} not found: run \`make airflow-deps\` (make test does it)`);
  return bin;
}

export async function airflowHome(): Promise<AirflowHome> {
  const bin = airflowBin();
  const home = mkdtempSync(path.join(tmpdir(), 'tweetpipe-airflow-'));
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: DAGS_FOLDER,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__LOGGING__LOGGING_LEVEL: 'INFO',
    PYTHONWARNINGS: 'ignore',
  };
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(bin, args, { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
  const migrated = await run(['db', 'migrate']);
  if (migrated.code !== 0) throw new Error(`airflow db migrate failed:\n${migrated.out.slice(-3000)}`);
  const python = path.join(path.dirname(bin), 'python');
  const sql = (query: string) =>
    new Promise<unknown[][]>((resolve, reject) => {
      const code =
        'import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall(), default=str))';
      const child = spawn(python, ['-c', code, path.join(home, 'airflow.db'), query], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (c) => (c === 0 ? resolve(JSON.parse(out) as unknown[][]) : reject(new Error(err))));
    });
  return { home, run, sql, remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** The JSON an `airflow … -o json` command printed (its log lines around it ignored). */
export function jsonOutput<T>(out: string): T {
  const line = out
    .split('\n')
    .find((l) => /^\s*[[{]/.test(l) && !l.includes('[info') && !l.includes('[warn'));
  if (line === undefined) throw new Error(`no JSON in:\n${out.slice(-2000)}`);
  return JSON.parse(line) as T;
}
