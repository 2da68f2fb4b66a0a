import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * A real S3-compatible server on loopback for tests: moto's server mode (from PyPI, installed into
 * `.venv` by `make test-deps`), or the command in `TWEETPIPE_TEST_S3_SERVER` (`{port}` is replaced).
 * In front of it sits a fault proxy, so tests can fail requests or take the server away and back
 * without losing its state. `endpoint` is the proxy's URL.
 */
export interface TestS3Server {
  endpoint: string;
  faults: FaultProxy;
  /** Environment for the AWS SDK: dummy credentials, region and the endpoint. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** `moto: true` insists on moto (the infra tests need its IAM, KMS, Secrets Manager and EMR Serverless too). */
export async function startS3Server(options: { moto?: boolean } = {}): Promise<TestS3Server> {
  const port = await freePort();
  const custom = options.moto ? undefined : process.env.TWEETPIPE_TEST_S3_SERVER;
  const moto = path.join(repoRoot, '.venv', 'bin', 'moto_server');
  if (!custom && !existsSync(moto)) {
    throw new Error(
      `no ${options.moto ? 'moto server' : 'S3-compatible server'} for the tests: ${moto} is missing. Run \`make test-deps\` (installs moto[server] ` +
        'from PyPI into .venv), or set TWEETPIPE_TEST_S3_SERVER to a command with {port}.',
    );
  }
  const [cmd, ...args] = custom
    ? custom.replace(/\{port\}/g, String(port)).split(/\s+/)
    : [moto, '-H', '127.0.0.1', '-p', String(port)];
  const child = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const upstream = `http://127.0.0.1:${port}`;
  await waitUntilUp(upstream, child, () => stderr);
  const faults = await FaultProxy.start(port);
  const endpoint = `http://127.0.0.1:${faults.port}`;
  return {
    endpoint,
    faults,
    env: {
      AWS_ACCESS_KEY_ID: 'test-access-key',
      AWS_SECRET_ACCESS_KEY: 'test-secret-key',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_MAX_ATTEMPTS: '3',
    },
    stop: async () => {
      await faults.close();
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

/** Sets the server's AWS environment in this process (the SDK reads it when a client is made). */
export function useS3Env(server: TestS3Server): () => void {
  const saved = Object.fromEntries(Object.keys(server.env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, server.env);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

async function waitUntilUp(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the S3 test server exited: ${stderr()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  throw new Error(`the S3 test server did not start within 30 s: ${stderr()}`);
}

/**
 * An HTTP proxy that forwards to the S3 server unless told to fail: `failWrites(n)` lets `n` more
 * PUT/POST requests through, then answers 500 to every write; `down()` refuses connections until
 * `up()`. `writes` counts the writes forwarded.
 */
export class FaultProxy {
  #server: Server;
  #writesLeft = Number.POSITIVE_INFINITY;
  #down = false;
  writes = 0;

  private constructor(
    readonly port: number,
    server: Server,
  ) {
    this.#server = server;
  }

  static async start(upstreamPort: number): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((req, res) => {
      const p = proxy!;
      if (p.#down) {
        req.socket.destroy();
        return;
      }
      const write = req.method === 'PUT' || req.method === 'POST';
      if (write) {
        if (p.#writesLeft <= 0) {
          req.resume();
          res.writeHead(500, { 'content-type': 'application/xml' });
          res.end(
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected by the test</Message></Error>',
          );
          return;
        }
        p.#writesLeft--;
        p.writes++;
      }
      const up = httpRequest(
        { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => req.socket.destroy());
      req.pipe(up);
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new FaultProxy((server.address() as AddressInfo).port, server);
    return proxy;
  }

  failWrites(after: number): void {
    this.#writesLeft = after;
  }
  down(): void {
    this.#down = true;
  }
  heal(): void {
    this.#down = false;
    this.#writesLeft = Number.POSITIVE_INFINITY;
  }
  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((r) => this.#server.close(() => r()));
  }
}
