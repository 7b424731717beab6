import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { hashPassword } from '../../src/api/passwords.js';
import type { Permission, Role } from '../../src/api/permissions.js';
import { insertAccount } from '../../src/db/admins.js';
import { buildApi, type TestApi } from './helper.js';

/**
 * The role table of issue #7, written out again here (not read from src/api/permissions.ts),
 * so that a wrong grant in the code fails this test.
 */
const allowed: Record<Permission, Role[]> = {
  read: ['superadmin', 'admin', 'editor', 'viewer'],
  'files:write': ['superadmin', 'admin', 'editor'],
  'users:ban': ['superadmin', 'admin'],
  'broadcasts:write': ['superadmin', 'admin'],
  'settings:write': ['superadmin', 'admin'],
  'audit:read': ['superadmin', 'admin'],
  'accounts:manage': ['superadmin'],
};

/** Every route of the issue and the permission it needs; a missing route fails its cells. */
const routes: [
  method: InjectOptions['method'],
  url: string,
  permission: Permission,
  body?: object,
][] = [
  ['GET', '/api/files', 'read'],
  ['GET', '/api/files/1', 'read'],
  ['PATCH', '/api/files/1', 'files:write', { title: 'Renamed' }],
  ['DELETE', '/api/files/999', 'files:write'],
  ['POST', '/api/files/1/reprocess', 'files:write'],
  ['GET', '/api/users', 'read'],
  ['GET', '/api/users/1', 'read'],
  ['POST', '/api/users/1/ban', 'users:ban'],
  ['POST', '/api/users/1/unban', 'users:ban'],
  ['POST', '/api/broadcasts', 'broadcasts:write', { text: 'Hello' }],
  ['GET', '/api/broadcasts', 'read'],
  ['GET', '/api/broadcasts/1', 'read'],
  ['POST', '/api/broadcasts/1/cancel', 'broadcasts:write'],
  ['GET', '/api/stats', 'read'],
  ['GET', '/api/stats/downloads', 'read'],
  ['GET', '/api/settings', 'read'],
  ['PATCH', '/api/settings', 'settings:write', { protectContent: false }],
  ['PUT', '/api/settings/thumbnail', 'settings:write'],
  ['GET', '/api/admins', 'accounts:manage'],
  ['POST', '/api/admins', 'accounts:manage'],
  ['PATCH', '/api/admins/{target}', 'accounts:manage', { role: 'viewer' }],
  ['GET', '/api/me', 'read'],
  ['POST', '/api/me/password', 'read', { current: 'not the password', new: 'whatever it is' }],
  ['GET', '/api/audit', 'audit:read'],
];

const callers = ['superadmin', 'admin', 'editor', 'viewer', 'no token'] as const;

describe('the permission matrix: every route, every role, and no token', () => {
  let api: TestApi;
  const tokens = new Map<Role, string>();
  let target = 0;
  let created = 0;

  before(async () => {
    api = await buildApi();
    for (const role of ['superadmin', 'admin', 'editor', 'viewer'] as const) {
      tokens.set(role, await api.tokenFor(role));
    }
    const account = await insertAccount(api.db, {
      username: 'target',
      password_hash: await hashPassword('target password'),
      role: 'viewer',
    });
    target = account?.id ?? 0;
  });
  after(() => api.close());

  for (const [method, url, permission, body] of routes) {
    it(`${method} ${url} needs ${permission}`, async () => {
      const cells: string[] = [];
      for (const caller of callers) {
        const token = caller === 'no token' ? undefined : tokens.get(caller);
        const payload =
          url === '/api/admins' && method === 'POST'
            ? { username: `new${created++}`, password: 'long enough password', role: 'viewer' }
            : body;
        const response = await api.app.inject({
          method,
          url: url.replace('{target}', String(target)),
          headers: token ? { authorization: `Bearer ${token}` } : {},
          ...(payload ? { payload } : {}),
        });
        const expected =
          caller === 'no token' ? 401 : allowed[permission].includes(caller) ? 'allowed' : 403;
        const status = response.statusCode;
        const ok =
          expected === 'allowed'
            ? status !== 401 && status !== 403 && status < 500
            : status === expected;
        if (!ok) cells.push(`${caller}: expected ${expected}, got ${status} ${response.body}`);
      }
      assert.deepEqual(cells, []);
    });
  }
});
