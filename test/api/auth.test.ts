import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createApi } from '../../src/api/app.js';
import { findAccountByUsername } from '../../src/db/admins.js';
import { LOGIN_LOCKOUT, loginLockRemaining } from '../../src/db/login-failures.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { buildApi, JWT_SECRET, PASSWORD, type TestApi } from './helper.js';

const login = (api: TestApi, username: string, password: string, remoteAddress = '127.0.0.1') =>
  api.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    remoteAddress,
  });

const me = (api: TestApi, token: string) =>
  api.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT signed by hand, so a test can choose the algorithm, the key and the claims. */
function jwt(
  payload: Record<string, unknown>,
  { alg = 'HS256', secret = JWT_SECRET }: { alg?: string; secret?: string } = {},
): string {
  const head = `${base64url({ alg, typ: 'JWT' })}.${base64url(payload)}`;
  if (alg === 'none') return `${head}.`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return `${head}.${createHmac(hash, secret).update(head).digest('base64url')}`;
}

describe('POST /api/auth/login', () => {
  let api: TestApi;
  before(async () => {
    api = await buildApi();
  });
  after(() => api.close());
  beforeEach(() => api.db.deleteFrom('login_failures').execute());

  it('returns a token and its lifetime for the right password', async () => {
    const response = await login(api, 'editor', PASSWORD);
    assert.equal(response.statusCode, 200);
    const body = response.json<{ token: string; expiresIn: number }>();
    assert.equal(body.expiresIn, 3600);
    const [header, payload] = body.token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    assert.equal(header.alg, 'HS256');
    assert.equal(payload.exp - payload.iat, 3600);
    assert.equal((await me(api, body.token)).json<{ username: string }>().username, 'editor');
  });

  it('counts the client behind a local proxy by X-Forwarded-For, and ignores it from afar', async () => {
    const viaProxy = (forwarded: string, remoteAddress = '127.0.0.1') =>
      api.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'editor', password: 'wrong' },
        headers: { 'x-forwarded-for': forwarded },
        remoteAddress,
      });
    await api.db.deleteFrom('login_failures').execute();
    await viaProxy('203.0.113.5');
    await viaProxy('203.0.113.6', '198.51.100.7');
    const rows = await api.db
      .selectFrom('login_failures')
      .select('address')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((row) => row.address),
      ['203.0.113.5', '198.51.100.7'],
    );
  });

  it('refuses a wrong password, an unknown username and a disabled account alike', async () => {
    await api.db
      .updateTable('admin_accounts')
      .set({ disabled_at: Date.now() })
      .where('username', '=', 'viewer')
      .execute();
    for (const [username, password] of [
      ['editor', 'wrong password'],
      ['nobody', PASSWORD],
      ['viewer', PASSWORD],
    ] as const) {
      const response = await login(api, username, password);
      assert.equal(response.statusCode, 401, username);
      assert.deepEqual(response.json(), {
        statusCode: 401,
        error: 'Unauthorized',
        message: 'wrong username or password',
      });
    }
    await api.db
      .updateTable('admin_accounts')
      .set({ disabled_at: null })
      .where('username', '=', 'viewer')
      .execute();
  });

  it('refuses bad login input with 400 before counting a failure', async () => {
    for (const payload of [
      '{"username": "admin"',
      { username: 'admin' },
      { username: 'admin', password: PASSWORD, remember: true },
      { username: ['admin'], password: PASSWORD },
      { username: 'a'.repeat(65), password: PASSWORD },
    ]) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.json<{ error: string }>().error, 'Bad Request');
    }
    // An SQL string is only an unknown username.
    const sql = await login(api, "admin' OR '1'='1", "' OR 1=1 --");
    assert.equal(sql.statusCode, 401);
    assert.deepEqual(
      (await api.db.selectFrom('login_failures').select('username').execute()).map(
        (r) => r.username,
      ),
      ["admin' OR '1'='1"],
    );
  });

  it('locks a username out after 5 failures, with Retry-After, even for the right password', async () => {
    for (let i = 0; i < LOGIN_LOCKOUT.perUsername; i++) {
      assert.equal((await login(api, 'admin', `wrong ${i}`, `10.0.0.${i + 1}`)).statusCode, 401);
    }
    const locked = await login(api, 'admin', PASSWORD, '10.0.1.1');
    assert.equal(locked.statusCode, 429);
    assert.deepEqual(locked.json(), {
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'too many failed logins; try again later',
    });
    const retryAfter = Number(locked.headers['retry-after']);
    assert.ok(retryAfter > 890 && retryAfter <= 900, `Retry-After ${retryAfter}`);
    // Other usernames from the same addresses are not affected.
    assert.equal((await login(api, 'editor', PASSWORD, '10.0.0.1')).statusCode, 200);
  });

  it('counts guesses sent in parallel before checking any of them', async () => {
    const guesses = await Promise.all(
      Array.from({ length: 30 }, () => login(api, 'admin', 'wrong password', '10.0.3.1')),
    );
    const codes = guesses.map((response) => response.statusCode);
    assert.equal(codes.filter((code) => code === 401).length, LOGIN_LOCKOUT.perUsername);
    assert.equal(codes.filter((code) => code === 429).length, 30 - LOGIN_LOCKOUT.perUsername);
  });

  it('counts wrong current passwords on a password change like failed logins', async () => {
    const token = await api.tokenFor('viewer');
    const change = (current: string) =>
      api.app.inject({
        method: 'POST',
        url: '/api/me/password',
        headers: { authorization: `Bearer ${token}` },
        payload: { current, new: 'another long password' },
      });
    for (let i = 0; i < LOGIN_LOCKOUT.perUsername; i++) {
      assert.equal((await change('guess')).statusCode, 400);
    }
    const locked = await change(PASSWORD);
    assert.equal(locked.statusCode, 429);
    assert.ok(Number(locked.headers['retry-after']) > 0);
  });

  it('locks an address out after 20 failures, whatever the usernames', async () => {
    for (let i = 0; i < LOGIN_LOCKOUT.perAddress; i++) {
      assert.equal((await login(api, `guess${i}`, 'wrong', '10.0.2.1')).statusCode, 401);
    }
    const locked = await login(api, 'editor', PASSWORD, '10.0.2.1');
    assert.equal(locked.statusCode, 429);
    assert.ok(Number(locked.headers['retry-after']) > 0);
    assert.equal((await login(api, 'editor', PASSWORD, '10.0.2.2')).statusCode, 200);
  });

  it('counts failures in the database, so another API process sees the lock-out', async () => {
    for (let i = 0; i < LOGIN_LOCKOUT.perUsername; i++) await login(api, 'superadmin', 'wrong');
    // The same database and settings; its own app, logger and metrics.
    const other = await createApi({
      ...api.app.deps,
      logger: createLogger({ level: 'silent', secrets: [] }),
      metrics: createMetrics(),
    });
    try {
      const response = await other.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'superadmin', password: PASSWORD },
      });
      assert.equal(response.statusCode, 429);
    } finally {
      await other.close();
    }
  });

  it('ends the lock once the window has passed', async () => {
    const now = Date.now();
    for (let i = 0; i < LOGIN_LOCKOUT.perUsername; i++) await login(api, 'admin', 'wrong');
    assert.ok((await loginLockRemaining(api.db, 'admin', '127.0.0.1', now + 1000)) > 0);
    const later = now + LOGIN_LOCKOUT.windowMs + 5000;
    assert.equal(await loginLockRemaining(api.db, 'admin', '127.0.0.1', later), 0);
  });

  it('forgets a username’s failures after a successful login', async () => {
    for (let i = 0; i < LOGIN_LOCKOUT.perUsername - 1; i++) await login(api, 'admin', 'wrong');
    assert.equal((await login(api, 'admin', PASSWORD)).statusCode, 200);
    for (let i = 0; i < LOGIN_LOCKOUT.perUsername - 1; i++) await login(api, 'admin', 'wrong');
    assert.equal((await login(api, 'admin', PASSWORD)).statusCode, 200);
  });

  it('keeps passwords, hashes and tokens out of every log line', async () => {
    const response = await login(api, 'editor', PASSWORD);
    const { token } = response.json<{ token: string }>();
    const headers = { authorization: `Bearer ${await api.tokenFor('superadmin')}` };
    await me(api, token);
    await login(api, 'editor', `${PASSWORD}!`);
    const created = await api.app.inject({
      method: 'POST',
      url: '/api/admins',
      headers,
      payload: { username: 'logged', password: 'the new account password', role: 'viewer' },
    });
    assert.equal(created.statusCode, 201);
    await api.app.inject({
      method: 'POST',
      url: '/api/admins',
      headers,
      payload: { username: 'bad name!', password: 'a refused password', role: 'viewer' },
    });
    const account = await findAccountByUsername(api.db, 'editor');
    const logs = api.logs.join('\n');
    assert.match(logs, /logged in/);
    assert.match(logs, /request refused/);
    for (const secret of [
      PASSWORD,
      'the new account password',
      'a refused password',
      account?.password_hash ?? 'missing',
      token,
      JWT_SECRET,
    ]) {
      assert.ok(!logs.includes(secret), `a log line holds ${secret.slice(0, 12)}...`);
    }
    assert.ok(!response.body.includes(account?.password_hash ?? 'missing'));
  });
});

describe('bearer tokens', () => {
  let api: TestApi;
  let editorId: number;
  before(async () => {
    api = await buildApi();
    editorId = api.accountId('editor');
  });
  after(() => api.close());

  const claims = (id: number) => ({
    sub: String(id),
    ver: 0,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
  });

  it('accepts a token signed as the API signs them (the control for the cases below)', async () => {
    assert.equal((await me(api, jwt(claims(editorId)))).statusCode, 200);
  });

  it('refuses no token, a malformed one, and a Basic header', async () => {
    for (const authorization of [undefined, 'Bearer nonsense', 'Basic ZWRpdG9yOng=']) {
      const response = await api.app.inject({
        method: 'GET',
        url: '/api/me',
        headers: authorization ? { authorization } : {},
      });
      assert.equal(response.statusCode, 401, String(authorization));
      assert.deepEqual(Object.keys(response.json()).sort(), ['error', 'message', 'statusCode']);
    }
  });

  it('refuses an expired token', async () => {
    const expired = { ...claims(editorId), iat: 1_000_000, exp: 1_000_600 };
    const response = await me(api, jwt(expired));
    assert.equal(response.statusCode, 401);
    assert.equal(response.json<{ message: string }>().message, 'the token has expired');
  });

  it('refuses a token signed with another secret (forged)', async () => {
    const forged = jwt(claims(editorId), { secret: 'another-secret-another-secret-0123456789' });
    assert.equal((await me(api, forged)).statusCode, 401);
  });

  it('refuses alg none and other algorithms, even with the right secret', async () => {
    for (const alg of ['none', 'HS512', 'HS384']) {
      const response = await me(api, jwt(claims(editorId), { alg }));
      assert.equal(response.statusCode, 401, alg);
      assert.equal(response.json<{ message: string }>().message, 'the token is not valid');
    }
  });

  it('refuses a token of an account that does not exist', async () => {
    assert.equal((await me(api, jwt(claims(9999)))).statusCode, 401);
  });

  it('revokes the tokens of an account whose password changes', async () => {
    const token = await api.tokenFor('viewer');
    const change = await api.app.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { authorization: `Bearer ${token}` },
      payload: { current: PASSWORD, new: 'a brand new password' },
    });
    assert.equal(change.statusCode, 204);
    const response = await me(api, token);
    assert.equal(response.statusCode, 401);
    assert.equal(response.json<{ message: string }>().message, 'the token has been revoked');
    assert.equal((await login(api, 'viewer', PASSWORD)).statusCode, 401);
    assert.equal((await login(api, 'viewer', 'a brand new password')).statusCode, 200);
  });

  it('revokes the tokens of an account whose role changes or that is disabled', async () => {
    const superadmin = await api.tokenFor('superadmin');
    for (const [role, change] of [
      ['admin', { role: 'editor' }],
      ['editor', { disabled: true }],
    ] as const) {
      const token = await api.tokenFor(role);
      assert.equal((await me(api, token)).statusCode, 200);
      const patch = await api.app.inject({
        method: 'PATCH',
        url: `/api/admins/${api.accountId(role)}`,
        headers: { authorization: `Bearer ${superadmin}` },
        payload: change,
      });
      assert.equal(patch.statusCode, 200);
      assert.equal((await me(api, token)).statusCode, 401, role);
    }
    // A disabled account cannot log in again either.
    assert.equal((await login(api, 'editor', PASSWORD)).statusCode, 401);
  });
});
