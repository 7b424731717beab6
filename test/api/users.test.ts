import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findUser } from '../../src/db/users.js';
import { buildApi, type TestApi } from './helper.js';
import { addUsers, auditRows, call } from './resources.js';

describe('/api/users', () => {
  let api: TestApi;
  before(async () => {
    api = await buildApi();
    await addUsers(api, [
      { id: 101, first_name: 'Aziza', username: 'aziza_uz' },
      { id: 102, first_name: 'Bekzod', blocked: true },
      { id: 103, first_name: 'Anna', banned: true },
      { id: 104, first_name: '100%_real' },
    ]);
  });
  after(() => api.close());

  const ids = (response: { json(): { items: { id: number }[] } }) =>
    response.json().items.map((item) => item.id);

  it('lists users by status and by name, username or id', async () => {
    const all = await call(api, 'viewer', 'GET', '/api/users');
    assert.equal(all.statusCode, 200);
    assert.equal(all.json().total, 4);
    assert.deepEqual(ids(await call(api, 'viewer', 'GET', '/api/users?status=active')), [104, 101]);
    assert.deepEqual(ids(await call(api, 'viewer', 'GET', '/api/users?status=blocked')), [102]);
    assert.deepEqual(ids(await call(api, 'viewer', 'GET', '/api/users?status=banned')), [103]);
    assert.deepEqual(ids(await call(api, 'viewer', 'GET', '/api/users?q=a')), [103, 101]);
    assert.deepEqual(ids(await call(api, 'viewer', 'GET', '/api/users?q=%40aziza')), [101]);
    assert.deepEqual(ids(await call(api, 'viewer', 'GET', '/api/users?q=102')), [102]);
    // LIKE wildcards and SQL in the query are plain text.
    assert.deepEqual(ids(await call(api, 'viewer', 'GET', '/api/users?q=100%25_')), [104]);
    assert.deepEqual(ids(await call(api, 'viewer', 'GET', "/api/users?q='%20OR%201=1--")), []);
    const bad = await call(api, 'viewer', 'GET', '/api/users?status=gone');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().message, /^querystring\/status must be/);
    const big = await call(api, 'viewer', 'GET', '/api/users?pageSize=101');
    assert.equal(big.statusCode, 400);
    assert.match(big.json().message, /^querystring\/pageSize must be <= 100/);
  });

  it('reads one user, 404 for an unknown one', async () => {
    const one = (await call(api, 'viewer', 'GET', '/api/users/101')).json();
    assert.deepEqual(
      { id: one.id, username: one.username, status: one.status },
      { id: 101, username: 'aziza_uz', status: 'active' },
    );
    assert.equal((await call(api, 'viewer', 'GET', '/api/users/999')).statusCode, 404);
  });

  it('bans and unbans, audited, and never touches an unknown user', async () => {
    const banned = await call(api, 'admin', 'POST', '/api/users/101/ban');
    assert.equal(banned.statusCode, 200);
    assert.equal(banned.json().status, 'banned');
    assert.notEqual((await findUser(api.db, 101))?.banned_at, null);
    const unbanned = await call(api, 'admin', 'POST', '/api/users/101/unban');
    assert.equal(unbanned.json().status, 'active');
    assert.equal((await findUser(api.db, 101))?.banned_at, null);
    assert.equal((await call(api, 'admin', 'POST', '/api/users/999/ban')).statusCode, 404);
    const [ban] = await auditRows(api, 'users.ban');
    assert.equal(ban?.object_id, '101');
    assert.equal(ban?.before.status, 'active');
    assert.equal(ban?.after.status, 'banned');
    assert.equal((await auditRows(api, 'users.unban')).length, 1);
  });
});
