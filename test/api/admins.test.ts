import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApi, PASSWORD, type TestApi } from './helper.js';

interface Account {
  id: number;
  username: string;
  role: string;
  disabled: boolean;
  createdAt: number;
}

describe('accounts: /api/admins, /api/me, /api/audit', () => {
  let api: TestApi;
  let superadmin: { authorization: string };

  before(async () => {
    api = await buildApi();
    superadmin = { authorization: `Bearer ${await api.tokenFor('superadmin')}` };
  });
  after(() => api.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: object,
    headers = superadmin,
  ) => api.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  const auditRows = () => api.db.selectFrom('audit_log').selectAll().orderBy('id').execute();

  it('lists the accounts a page at a time, without hashes', async () => {
    const response = await call('GET', '/api/admins?page=2&pageSize=3');
    assert.equal(response.statusCode, 200);
    const body = response.json<{
      items: Account[];
      total: number;
      page: number;
      pageSize: number;
    }>();
    assert.deepEqual(
      { total: body.total, page: body.page, pageSize: body.pageSize },
      { total: 4, page: 2, pageSize: 3 },
    );
    assert.deepEqual(
      body.items.map((item) => [item.username, item.role, item.disabled]),
      [['viewer', 'viewer', false]],
    );
    assert.doesNotMatch(response.body, /argon2|password|token_version/);
  });

  it('creates an account that can log in, audited without its password', async () => {
    const before = (await auditRows()).length;
    const response = await call('POST', '/api/admins', {
      username: 'alice',
      password: 'alice has a long password',
      role: 'editor',
    });
    assert.equal(response.statusCode, 201);
    const created = response.json<Account>();
    assert.deepEqual(
      { username: created.username, role: created.role, disabled: created.disabled },
      { username: 'alice', role: 'editor', disabled: false },
    );
    const stored = await api.db
      .selectFrom('admin_accounts')
      .select('password_hash')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.match(stored.password_hash, /^\$argon2id\$/);
    const login = await api.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'alice', password: 'alice has a long password' },
    });
    assert.equal(login.statusCode, 200);

    const rows = await auditRows();
    assert.equal(rows.length, before + 1);
    const row = rows.at(-1);
    assert.equal(row?.account_id, api.accountId('superadmin'));
    assert.equal(row?.action, 'accounts.create');
    assert.equal(row?.object_id, String(created.id));
    assert.equal(row?.before, null);
    assert.deepEqual(JSON.parse(row?.after ?? 'null'), created);
    assert.ok(!JSON.stringify(rows).includes('alice has a long password'));
    assert.ok(!JSON.stringify(rows).includes(stored.password_hash));
  });

  it('refuses a taken username with 409, and a short password with 400', async () => {
    const before = await auditRows();
    const taken = await call('POST', '/api/admins', {
      username: 'alice',
      password: 'another long password',
      role: 'admin',
    });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json<{ message: string }>().message, 'the username alice is taken');
    const short = await call('POST', '/api/admins', {
      username: 'bob',
      password: 'short',
      role: 'admin',
    });
    assert.equal(short.statusCode, 400);
    assert.equal(
      short.json<{ message: string }>().message,
      'body/password must not have fewer than 8 characters',
    );
    assert.deepEqual(await auditRows(), before);
  });

  it('changes a role and disables an account, with before and after in the audit log', async () => {
    const id = api.accountId('admin');
    const response = await call('PATCH', `/api/admins/${id}`, { role: 'viewer', disabled: true });
    assert.equal(response.statusCode, 200);
    assert.deepEqual((({ role, disabled }) => ({ role, disabled }))(response.json<Account>()), {
      role: 'viewer',
      disabled: true,
    });
    const row = (await auditRows()).at(-1);
    assert.equal(row?.action, 'accounts.update');
    assert.deepEqual(
      [JSON.parse(row?.before ?? '{}').role, JSON.parse(row?.after ?? '{}').role],
      ['admin', 'viewer'],
    );
    const enabled = await call('PATCH', `/api/admins/${id}`, { role: 'admin', disabled: false });
    assert.equal(enabled.json<Account>().disabled, false);
    assert.equal((await call('PATCH', '/api/admins/9999', { role: 'admin' })).statusCode, 404);
    assert.equal((await call('PATCH', `/api/admins/${id}`, {})).statusCode, 400);
  });

  it('never demotes or disables the last enabled superadmin', async () => {
    const id = api.accountId('superadmin');
    const before = await auditRows();
    for (const change of [{ role: 'admin' }, { disabled: true }]) {
      const response = await call('PATCH', `/api/admins/${id}`, change);
      assert.equal(response.statusCode, 409);
      assert.equal(
        response.json<{ message: string }>().message,
        'the last enabled superadmin cannot be demoted or disabled',
      );
    }
    assert.deepEqual(await auditRows(), before);
    // With a second superadmin, the first may step down.
    const second = await call('PATCH', `/api/admins/${api.accountId('editor')}`, {
      role: 'superadmin',
    });
    assert.equal(second.statusCode, 200);
    const other = { authorization: `Bearer ${await api.tokenFor('editor')}` };
    assert.equal(
      (await call('PATCH', `/api/admins/${id}`, { role: 'admin' }, other)).statusCode,
      200,
    );
    // Now the editor account is the last one: it may not demote itself.
    const self = await call(
      'PATCH',
      `/api/admins/${api.accountId('editor')}`,
      { disabled: true },
      other,
    );
    assert.equal(self.statusCode, 409);
    await api.db
      .updateTable('admin_accounts')
      .set({ role: 'superadmin' })
      .where('id', '=', id)
      .execute();
    // Its demotion ended its tokens.
    superadmin = { authorization: `Bearer ${await api.tokenFor('superadmin')}` };
  });

  it('shows the caller’s own account at /api/me', async () => {
    const token = await api.tokenFor('viewer');
    const response = await call('GET', '/api/me', undefined, { authorization: `Bearer ${token}` });
    assert.equal(response.statusCode, 200);
    const body = response.json<Account>();
    assert.deepEqual(
      { id: body.id, username: body.username, role: body.role, disabled: body.disabled },
      { id: api.accountId('viewer'), username: 'viewer', role: 'viewer', disabled: false },
    );
  });

  it('changes the caller’s password only with the current one, and audits it', async () => {
    const token = await api.tokenFor('viewer');
    const headers = { authorization: `Bearer ${token}` };
    const before = await auditRows();
    const wrong = await call(
      'POST',
      '/api/me/password',
      { current: 'wrong', new: 'new password 1' },
      headers,
    );
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(await auditRows(), before);
    const right = await call(
      'POST',
      '/api/me/password',
      { current: PASSWORD, new: 'new password 1' },
      headers,
    );
    assert.equal(right.statusCode, 204);
    const row = (await auditRows()).at(-1);
    assert.deepEqual(
      [row?.action, row?.account_id, row?.object_id, row?.before, row?.after],
      ['accounts.password', api.accountId('viewer'), String(api.accountId('viewer')), null, null],
    );
  });

  it('lists the audit log newest first, with who did it', async () => {
    const response = await call('GET', '/api/audit?pageSize=2');
    assert.equal(response.statusCode, 200);
    const body = response.json<{
      items: { action: string; username: string; before: unknown; after: unknown }[];
      total: number;
    }>();
    const rows = await auditRows();
    assert.equal(body.total, rows.length);
    assert.deepEqual(
      body.items.map((item) => item.action),
      rows
        .slice(-2)
        .reverse()
        .map((row) => row.action),
    );
    assert.equal(body.items[0]?.username, 'viewer');
    // The step-down of the first superadmin, made by the second (the editor account).
    assert.equal(body.items[1]?.username, 'editor');
    assert.equal(typeof body.items[1]?.after, 'object');
  });
});
