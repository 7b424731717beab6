import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildApi, type TestApi } from './helper.js';

/** Asserts the one error shape and returns its message. */
function errorMessage(response: LightMyRequestResponse, statusCode: number): string {
  assert.equal(response.statusCode, statusCode, response.body);
  const body = response.json<{ statusCode: number; error: string; message: string }>();
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode']);
  assert.equal(body.statusCode, statusCode);
  assert.equal(typeof body.error, 'string');
  return body.message;
}

describe('errors, validation and security headers', () => {
  let api: TestApi;
  let auth: { authorization: string };
  /** The admin accounts and audit rows: bad input must leave both as they were. */
  const snapshot = async () => ({
    accounts: await api.db.selectFrom('admin_accounts').selectAll().orderBy('id').execute(),
    audit: await api.db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
  });

  before(async () => {
    api = await buildApi({
      beforeReady: (app) =>
        app.get('/test/boom', async () => {
          throw new Error('disk on fire at /secret/path');
        }),
    });
    auth = { authorization: `Bearer ${await api.tokenFor('superadmin')}` };
  });
  after(() => api.close());

  const createAdmin = (payload: string | object, headers: Record<string, string> = {}) =>
    api.app.inject({
      method: 'POST',
      url: '/api/admins',
      headers: { ...auth, 'content-type': 'application/json', ...headers },
      payload,
    });

  it('answers GET /health with 200 and no token', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  it('refuses bad input with a 4xx in the one shape and changes nothing', async () => {
    const before = await snapshot();
    const valid = { username: 'newbie', password: 'long enough password', role: 'viewer' };
    assert.match(errorMessage(await createAdmin('{"username": "x",'), 400), /JSON/);
    assert.equal(
      errorMessage(await createAdmin({ ...valid, role: 'god' }), 400),
      'body/role must be one of "superadmin", "admin", "editor", "viewer"',
    );
    assert.equal(
      errorMessage(await createAdmin({ ...valid, role: 5 }), 400).split(' ')[0],
      'body/role',
    );
    assert.equal(
      errorMessage(await createAdmin({ ...valid, password: 12345678901 }), 400),
      'body/password must be string',
    );
    assert.equal(
      errorMessage(await createAdmin({ ...valid, isSuperuser: true }), 400),
      'body must not have additional properties: isSuperuser',
    );
    assert.equal(
      errorMessage(
        await createAdmin({ ...valid, username: "x'; DROP TABLE admin_accounts; --" }),
        400,
      ),
      'body/username must match pattern "^[A-Za-z0-9_.@-]+$"',
    );
    assert.equal(
      errorMessage(await createAdmin({ ...valid, username: '../../etc/passwd' }), 400).split(
        ' ',
      )[0],
      'body/username',
    );
    assert.match(
      errorMessage(await createAdmin({ username: 'x' }), 400),
      /^body must have required/,
    );
    const big = { ...valid, username: 'a'.repeat(1_100_000) };
    assert.match(errorMessage(await createAdmin(big), 413), /too large/i);
    assert.equal(
      errorMessage(await createAdmin(valid, { 'content-type': 'text/xml' }), 415).length > 0,
      true,
    );
    assert.deepEqual(await snapshot(), before);
  });

  it('validates path parameters and query strings', async () => {
    const before = await snapshot();
    for (const url of [
      '/api/admins/abc',
      '/api/admins/0',
      '/api/admins/1%27%20OR%201=1',
      '/api/admins/..%2F..%2Fetc%2Fpasswd',
    ]) {
      const response = await api.app.inject({
        method: 'PATCH',
        url,
        headers: auth,
        payload: { disabled: true },
      });
      assert.equal(errorMessage(response, 400).split(' ')[0], 'params/id', url);
    }
    const traversal = await api.app.inject({
      method: 'GET',
      url: '/api/files/../../etc/passwd',
      headers: auth,
    });
    assert.ok(traversal.statusCode >= 400 && traversal.statusCode < 500);
    errorMessage(traversal, traversal.statusCode);
    for (const query of ['page=0', 'pageSize=101', 'page=abc', 'sort=id']) {
      const response = await api.app.inject({
        method: 'GET',
        url: `/api/admins?${query}`,
        headers: auth,
      });
      assert.match(errorMessage(response, 400), /^querystring/, query);
    }
    assert.deepEqual(await snapshot(), before);
  });

  it('answers an unknown route with 404 in the same shape', async () => {
    assert.match(
      errorMessage(await api.app.inject({ method: 'GET', url: '/api/nothing' }), 404),
      /GET \/api\/nothing/,
    );
  });

  it('hides a server error behind "Internal Server Error" and logs it with the request id', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/test/boom' });
    assert.equal(errorMessage(response, 500), 'Internal Server Error');
    assert.ok(!response.body.includes('disk on fire'));
    const line = api.logs.find((entry) => entry.includes('disk on fire'));
    assert.ok(line, 'the error is logged');
    assert.match(JSON.parse(line).reqId, /^req-/);
  });

  it('sends helmet headers and no CORS headers by default', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.ok(response.headers['content-security-policy']);
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });

  it('serves the OpenAPI document at /docs/json and the page at /docs', async () => {
    const document = await api.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(document.statusCode, 200);
    const paths = Object.keys(document.json<{ paths: Record<string, unknown> }>().paths);
    for (const path of [
      '/api/auth/login',
      '/api/me',
      '/api/admins/{id}',
      '/api/audit',
      '/health',
    ]) {
      assert.ok(paths.includes(path), path);
    }
    const page = await api.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger/i);
  });
});

describe('CORS and the rate limit', () => {
  it('allows the origins API_CORS_ORIGINS lists, and no others', async () => {
    const api = await buildApi({ env: { API_CORS_ORIGINS: 'https://admin.example.com' } });
    try {
      const allowed = await api.app.inject({
        method: 'OPTIONS',
        url: '/api/me',
        headers: { origin: 'https://admin.example.com', 'access-control-request-method': 'GET' },
      });
      assert.equal(allowed.headers['access-control-allow-origin'], 'https://admin.example.com');
      const other = await api.app.inject({
        method: 'GET',
        url: '/health',
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(other.headers['access-control-allow-origin'], undefined);
    } finally {
      await api.close();
    }
  });

  it('answers 429 in the one shape once an address passes the limit', async () => {
    const api = await buildApi();
    try {
      let response: LightMyRequestResponse | undefined;
      let count = 0;
      while (count < 1000) {
        count++;
        response = await api.app.inject({
          method: 'GET',
          url: '/health',
          remoteAddress: '10.9.9.9',
        });
        if (response.statusCode !== 200) break;
      }
      assert.ok(response);
      assert.equal(count, 301, 'the 301st request in a minute is refused');
      assert.match(errorMessage(response, 429), /Rate limit exceeded/);
      assert.ok(Number(response.headers['retry-after']) > 0);
      const other = await api.app.inject({
        method: 'GET',
        url: '/health',
        remoteAddress: '10.9.9.8',
      });
      assert.equal(other.statusCode, 200);
    } finally {
      await api.close();
    }
  });
});
