import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, RetryableError } from '../../core/errors.js';
import { startPostgres, type TestPostgres } from '../../testing/postgres-server.js';
import { runWarehouseContract } from '../warehouse-contract.js';
import { clientConfig, PostgresWarehouse } from './postgres-warehouse.js';

let server: TestPostgres;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
});

runWarehouseContract(
  'postgres (a throw-away cluster on loopback)',
  async () => PostgresWarehouse.open(await server.newDatabase()),
  { checkConstraints: true },
);

describe('PostgreSQL warehouse', () => {
  it('reads TLS settings from the URI and refuses unknown ones', () => {
    assert.equal(clientConfig('postgres://u@h/db?sslmode=disable').ssl, false);
    assert.deepEqual(clientConfig('postgres://u@h/db?sslmode=require').ssl, { rejectUnauthorized: false });
    assert.equal(
      (clientConfig('postgres://u@h/db?sslmode=verify-full').ssl as { rejectUnauthorized: boolean })
        .rejectUnauthorized,
      true,
    );
    assert.throws(() => clientConfig('postgres://u@h/db?sslmode=sometimes'), ConfigError);
  });

  it('says the server is not reachable, without the password', async () => {
    const error = await PostgresWarehouse.open('postgres://u:hunter2@127.0.0.1:1/db?sslmode=disable').catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof RetryableError, String(error));
    assert.doesNotMatch(error.message, /hunter2/);
  });

  it('names a database that does not exist', async () => {
    const uri = (await server.newDatabase()).replace(/\/wh_[^?]+/, '/no_such_db');
    const error = await PostgresWarehouse.open(uri).catch((e: unknown) => e);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /TWEETPIPE_WAREHOUSE.*no_such_db/);
  });
});
