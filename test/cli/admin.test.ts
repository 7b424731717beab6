import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApi, PASSWORD, type TestApi } from '../api/helper.js';
import { npmRun } from './npm-run.js';

const runAdmin = (dataDir: string, args: string[], input: string) =>
  npmRun('admin', dataDir, args, input);

describe('npm run admin -- reset-password', () => {
  let api: TestApi;
  before(async () => {
    api = await buildApi();
  });
  after(() => api.close());

  const login = (password: string) =>
    api.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password },
    });

  it('sets the password read from standard input and revokes the account’s tokens', async () => {
    const token = await api.tokenFor('admin');
    const result = await runAdmin(
      api.config.dataDir,
      ['reset-password', 'admin'],
      'reset by the operator\n',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'The password of admin is changed; its tokens are revoked.\n');
    assert.ok(!result.stdout.includes('reset by the operator'));
    const me = await api.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(me.statusCode, 401);
    assert.equal((await login(PASSWORD)).statusCode, 401);
    assert.equal((await login('reset by the operator')).statusCode, 200);
  });

  it('ends a lock-out: the failed logins that caused it are forgotten', async () => {
    for (let i = 0; i < 5; i++) await login('a wrong guess');
    assert.equal((await login('reset by the operator')).statusCode, 429);
    const result = await runAdmin(
      api.config.dataDir,
      ['reset-password', 'admin'],
      'after the lock-out\n',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await login('after the lock-out')).statusCode, 200);
  });

  it('refuses an unknown account, a short password and a wrong command', async () => {
    const before = await api.db.selectFrom('admin_accounts').selectAll().orderBy('id').execute();
    const unknown = await runAdmin(
      api.config.dataDir,
      ['reset-password', 'ghost'],
      'long enough\n',
    );
    assert.deepEqual([unknown.code, unknown.stderr], [1, 'There is no account ghost.\n']);
    const short = await runAdmin(api.config.dataDir, ['reset-password', 'admin'], 'short\n');
    assert.deepEqual(
      [short.code, short.stderr],
      [1, 'The password must be at least 8 characters.\n'],
    );
    const usage = await runAdmin(api.config.dataDir, ['delete', 'admin'], '');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^usage: npm run admin -- reset-password <username>/);
    assert.deepEqual(
      await api.db.selectFrom('admin_accounts').selectAll().orderBy('id').execute(),
      before,
    );
  });
});
