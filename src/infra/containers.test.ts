import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The Compose specification's schema, fetched by `make test` (Makefile: COMPOSE_SCHEMA). */
function composeSchema(): Record<string, unknown> {
  const dir = path.join(ROOT, '.cache');
  const file = existsSync(dir) ? readdirSync(dir).find((f) => /^compose-spec-.*\.json$/.test(f)) : undefined;
  if (!file)
    throw new Error(
      'the Compose schema is missing: run `make test` (it downloads .cache/compose-spec-*.json)',
    );
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
}

interface Stage {
  name: string;
  lines: string[];
}

/** Dockerfile stages with their instructions (continuation lines joined). */
function stages(text: string): Stage[] {
  const out: Stage[] = [];
  const joined = text.replace(/\\\n/g, ' ');
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ name: from[1] ?? `stage${out.length}`, lines: [line] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

describe('Docker and Compose files (no Docker engine here: checked against the spec and the repository)', () => {
  it('docker-compose.yml is valid against the Compose specification', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(composeSchema());
    const compose = parseYaml(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
    assert.ok(validate(compose), JSON.stringify(validate.errors, null, 2));
  });

  it('the stack is private and keeps secrets out of the file', () => {
    const text = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    const compose = parseYaml(text, { merge: true }) as { services: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(compose.services).sort(), [
      'airflow',
      'emulator',
      'lake',
      'lake-bucket',
      'warehouse',
    ]);
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const port of (svc.ports as string[] | undefined) ?? [])
        assert.match(port, /^127\.0\.0\.1:/, `${name}: port ${port} listens on loopback only`);
      if (svc.image) assert.match(String(svc.image), /:[^:]+$/, `${name}: image is pinned`);
      if (svc.image) assert.doesNotMatch(String(svc.image), /:latest$/, `${name}: no :latest`);
      assert.ok(svc.image || svc.build, `${name}: an image or a build`);
    }
    // Passwords only as required variables from .env, never written in the file.
    for (const m of text.matchAll(/^\s*(\w*(?:PASSWORD|SECRET_ACCESS_KEY)\w*):\s*(\S+)/gm))
      assert.match(m[2]!, /^\$\{\w+:\?/, `${m[1]} comes from a required variable`);
    const airflowEnv = compose.services.airflow!.environment as Record<string, string>;
    assert.match(airflowEnv.AIRFLOW_CONN_TWEETPIPE_X!, /\$\{X_BEARER_TOKEN/);
    assert.match(airflowEnv.AIRFLOW_CONN_TWEETPIPE_WAREHOUSE!, /:\$\{POSTGRES_PASSWORD:\?/);
    const settings = JSON.parse(
      String(airflowEnv.AIRFLOW_VAR_TWEETPIPE_SETTINGS).replace(/\$\{[^}]+\}/g, 'x'),
    );
    assert.ok(Object.keys(settings).every((k) => k.startsWith('TWEETPIPE_') || k === 'warehouse_connection'));
    assert.doesNotMatch(JSON.stringify(settings), /PASSWORD/, 'no secret in the settings Variable');
  });

  it('Dockerfile: multi-stage, non-root, production dependencies only, and every file it copies exists', () => {
    const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const all = stages(text);
    assert.ok(all.length >= 2, 'multi-stage');
    const runtime = all.at(-1)!;
    assert.equal(runtime.name, 'runtime', 'the default target is the last stage');
    for (const stage of all.filter((s) => s.name !== 'build')) {
      const user = stage.lines.filter((l) => /^USER\s/i.test(l)).at(-1);
      assert.ok(user && !/^USER\s+(root|0)\b/i.test(user), `${stage.name}: runs as a non-root user`);
    }
    const build = all.find((s) => s.name === 'build')!;
    assert.ok(
      build.lines.some((l) => /npm prune --omit=dev/.test(l)),
      'dev dependencies pruned before copying',
    );
    assert.ok(runtime.lines.some((l) => /^COPY --from=build \/app\/node_modules/.test(l)));
    assert.ok(
      !runtime.lines.some((l) => /^RUN npm (install|ci)/.test(l)),
      'nothing installed in the runtime stage',
    );
    const stageNames = new Set(all.map((s) => s.name));
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').filter(Boolean);
    for (const stage of all)
      for (const line of stage.lines) {
        const copy = /^COPY\s+((?:--\S+\s+)*)(.+)$/i.exec(line);
        if (!copy) continue;
        const from = /--from=(\S+)/.exec(copy[1]!)?.[1];
        const parts = copy[2]!.split(/\s+/);
        const sources = parts.slice(0, -1);
        if (from) {
          assert.ok(stageNames.has(from) || from.includes(':'), `${line}: --from names a stage or an image`);
          continue;
        }
        for (const src of sources) {
          assert.ok(existsSync(path.join(ROOT, src)), `${stage.name}: COPY ${src} exists in the repository`);
          assert.ok(!ignored.includes(src.replace(/\/$/, '')), `${src} is not excluded by .dockerignore`);
        }
      }
    assert.doesNotMatch(text, /^(ENV|ARG)\s+\S*(TOKEN|PASSWORD|SECRET)/im, 'no secrets baked into the image');
    const entry = /^ENTRYPOINT\s+(.+)$/m.exec(text)![1]!;
    assert.ok(
      existsSync(path.join(ROOT, JSON.parse(entry)[1].replace('/app/', ''))),
      'the entry point is in the repository',
    );
  });
});
