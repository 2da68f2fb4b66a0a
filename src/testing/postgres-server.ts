import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

/**
 * A throw-away PostgreSQL cluster on loopback for tests, from Debian's packages (`make test-deps`
 * installs them when missing): initdb into a temporary folder, then `postgres` on a free port.
 * PostgreSQL refuses to run as root, so under root it runs as the `postgres` user.
 */
export interface TestPostgres {
  port: number;
  /** A URI for a new, empty database. */
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
}

function pgBin(name: string): string {
  const candidates = [
    process.env.TWEETPIPE_TEST_PG_BIN && path.join(process.env.TWEETPIPE_TEST_PG_BIN, name),
    ...['17', '16', '15', '14', '13'].map((v) => `/usr/lib/postgresql/${v}/bin/${name}`),
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new Error(
      `PostgreSQL's ${name} was not found (looked in ${candidates.join(', ')}). Run \`make test-deps\` ` +
        "(installs Debian's postgresql package) or set TWEETPIPE_TEST_PG_BIN to its bin folder.",
    );
  }
  return found;
}

export async function startPostgres(): Promise<TestPostgres> {
  const root = process.getuid?.() === 0;
  const asPg = (cmd: string, args: string[]) =>
    (root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  const dir = mkdtempSync(path.join(tmpdir(), 'tweetpipe-pg-'));
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const [initCmd, initArgs] = asPg(pgBin('initdb'), [
    '-D',
    data,
    '-U',
    'tweetpipe',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-locale',
    '--no-sync',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = asPg(pgBin('postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited: ${log}`);
    try {
      execFileSync(pgBin('pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`postgres did not start within 30 s: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let n = 0;
  return {
    port,
    newDatabase: async () => {
      const name = `wh_${++n}_${process.pid}`;
      execFileSync(pgBin('createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'tweetpipe', name]);
      return `postgres://tweetpipe@127.0.0.1:${port}/${name}?sslmode=disable`;
    },
    stop: async () => {
      // Fast shutdown through pg_ctl: a signal to runuser would not reach the server.
      const [stopCmd, stopArgs] = asPg(pgBin('pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w']);
      try {
        execFileSync(stopCmd, stopArgs, { stdio: 'pipe' });
      } catch {
        child.kill('SIGKILL');
      }
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
