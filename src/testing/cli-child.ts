import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TempWorkspace } from './temp-workspace.js';

/** The CLI entry point, for tests that run tweetpipe as a child process. */
export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/tweetpipe.js');

/** Runs the CLI against `apiUrl` with the workspace's lake and warehouse. */
export function cli(ws: TempWorkspace, apiUrl: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: ws.dir,
    env: {
      ...process.env,
      X_BEARER_TOKEN: 'cli-test-token',
      TWEETPIPE_X_API_URL: apiUrl,
      TWEETPIPE_LAKE: ws.lakeUri,
      TWEETPIPE_WAREHOUSE: `duckdb://${ws.warehousePath}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function finish(
  child: ReturnType<typeof cli>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
}

/** Runs the CLI and SIGKILLs it a random 0–150 ms after `ready()` turns true; true when the kill landed. */
export async function killWhen(
  ws: TempWorkspace,
  apiUrl: string,
  args: string[],
  ready: () => boolean,
): Promise<boolean> {
  const child = cli(ws, apiUrl, args);
  const done = finish(child);
  let exited = false;
  void done.then(() => {
    exited = true;
  });
  while (!exited && !ready()) await new Promise((r) => setTimeout(r, 2));
  if (!exited) setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 150));
  return (await done).signal === 'SIGKILL';
}

/** Runs the CLI and SIGKILLs it after `ms`; true when the kill landed before it finished. */
export async function killAfter(
  ws: TempWorkspace,
  apiUrl: string,
  args: string[],
  ms: number,
): Promise<boolean> {
  const child = cli(ws, apiUrl, args);
  const done = finish(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const result = await done;
  clearTimeout(timer);
  return result.signal === 'SIGKILL';
}
