import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import sharp from 'sharp';
import { hashPassword } from '../../src/api/passwords.js';
import type { Permission, Role } from '../../src/api/permissions.js';
import { insertAccount } from '../../src/db/admins.js';
import { queueBroadcast } from '../../src/db/broadcasts.js';
import { addFile } from '../../src/db/files.js';
import { buildApi, PASSWORD, type TestApi } from './helper.js';
import { addUsers, multipart } from './resources.js';

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
  'health:read': ['superadmin', 'admin'],
  'accounts:manage': ['superadmin'],
};

/** What a call needs that a test must make first: a file or a broadcast of its own. */
interface Fixtures {
  file(): Promise<number>;
  broadcast(): Promise<number>;
  account: number;
}

type Request = { url: string; payload?: object | Buffer; headers?: Record<string, string> };

/**
 * Every route of the issue, the permission it needs, and the status of its success: a missing
 * route fails its cells, and so does an allowed call that does not succeed.
 */
const routes: [
  method: InjectOptions['method'],
  path: string,
  permission: Permission,
  success: number,
  request: (fixtures: Fixtures) => Promise<Request> | Request,
][] = [
  ['GET', '/api/files', 'read', 200, () => ({ url: '/api/files' })],
  ['GET', '/api/files/:id', 'read', 200, async (f) => ({ url: `/api/files/${await f.file()}` })],
  [
    'PATCH',
    '/api/files/:id',
    'files:write',
    200,
    async (f) => ({ url: `/api/files/${await f.file()}`, payload: { title: 'Renamed' } }),
  ],
  [
    'DELETE',
    '/api/files/:id',
    'files:write',
    204,
    async (f) => ({ url: `/api/files/${await f.file()}` }),
  ],
  [
    'POST',
    '/api/files/:id/reprocess',
    'files:write',
    202,
    async (f) => ({ url: `/api/files/${await f.file()}/reprocess` }),
  ],
  ['GET', '/api/users', 'read', 200, () => ({ url: '/api/users' })],
  ['GET', '/api/users/:id', 'read', 200, () => ({ url: `/api/users/${USER}` })],
  ['POST', '/api/users/:id/ban', 'users:ban', 200, () => ({ url: `/api/users/${USER}/ban` })],
  ['POST', '/api/users/:id/unban', 'users:ban', 200, () => ({ url: `/api/users/${USER}/unban` })],
  [
    'POST',
    '/api/broadcasts',
    'broadcasts:write',
    201,
    () => ({ url: '/api/broadcasts', payload: { text: 'Hello' } }),
  ],
  ['GET', '/api/broadcasts', 'read', 200, () => ({ url: '/api/broadcasts' })],
  [
    'GET',
    '/api/broadcasts/:id',
    'read',
    200,
    async (f) => ({ url: `/api/broadcasts/${await f.broadcast()}` }),
  ],
  [
    'POST',
    '/api/broadcasts/:id/cancel',
    'broadcasts:write',
    200,
    async (f) => ({ url: `/api/broadcasts/${await f.broadcast()}/cancel` }),
  ],
  ['GET', '/api/stats', 'read', 200, () => ({ url: '/api/stats' })],
  ['GET', '/api/stats/downloads', 'read', 200, () => ({ url: '/api/stats/downloads' })],
  ['GET', '/api/settings', 'read', 200, () => ({ url: '/api/settings' })],
  [
    'PATCH',
    '/api/settings',
    'settings:write',
    200,
    () => ({ url: '/api/settings', payload: { protectContent: false } }),
  ],
  ['PUT', '/api/settings/thumbnail', 'settings:write', 200, () => thumbnailUpload()],
  ['GET', '/api/admins', 'accounts:manage', 200, () => ({ url: '/api/admins' })],
  [
    'POST',
    '/api/admins',
    'accounts:manage',
    201,
    () => ({
      url: '/api/admins',
      payload: { username: `new${created++}`, password: 'long enough password', role: 'viewer' },
    }),
  ],
  [
    'PATCH',
    '/api/admins/:id',
    'accounts:manage',
    200,
    (f) => ({ url: `/api/admins/${f.account}`, payload: { role: 'editor' } }),
  ],
  ['GET', '/api/me', 'read', 200, () => ({ url: '/api/me' })],
  ['GET', '/api/audit', 'audit:read', 200, () => ({ url: '/api/audit' })],
  ['GET', '/api/health-checks', 'health:read', 200, () => ({ url: '/api/health-checks' })],
  // Last: a changed password ends the caller's token.
  [
    'POST',
    '/api/me/password',
    'read',
    204,
    () => ({ url: '/api/me/password', payload: { current: PASSWORD, new: PASSWORD } }),
  ],
];

const USER = 5001;
let created = 0;
let thumbnail: Buffer;

function thumbnailUpload(): Request {
  const { body, headers } = multipart('file', 't.png', thumbnail);
  return { url: '/api/settings/thumbnail', payload: body, headers };
}

const callers = ['superadmin', 'admin', 'editor', 'viewer', 'no token'] as const;

describe('the permission matrix: every route, every role, and no token', () => {
  let api: TestApi;
  const tokens = new Map<Role, string>();
  let fixtures: Fixtures;

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
    await addUsers(api, [{ id: USER, first_name: 'Matrix' }]);
    thumbnail = await sharp({
      create: { width: 40, height: 40, channels: 3, background: '#888888' },
    })
      .png()
      .toBuffer();
    let files = 0;
    fixtures = {
      account: account?.id ?? 0,
      async file() {
        files++;
        const file = await addFile(api.db, {
          file_id: `matrix-${files}`,
          file_unique_id: `matrix-u-${files}`,
          file_name: 'a.pdf',
          mime_type: 'application/pdf',
          title: `Matrix ${files}`,
          type: 'document',
          size: 10,
        });
        return file.id;
      },
      async broadcast() {
        return (await queueBroadcast(api.db, { text: 'to cancel' })).id;
      },
    };
  });
  after(() => api.close());

  for (const [method, path, permission, success, request] of routes) {
    it(`${method} ${path} needs ${permission}`, async () => {
      const cells: string[] = [];
      for (const caller of callers) {
        const { url, payload, headers } = await request(fixtures);
        const token = caller === 'no token' ? undefined : tokens.get(caller);
        const response = await api.app.inject({
          method,
          url,
          headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          ...(payload ? { payload } : {}),
        });
        const expected =
          caller === 'no token' ? 401 : allowed[permission].includes(caller) ? success : 403;
        if (response.statusCode !== expected) {
          cells.push(
            `${caller}: expected ${expected}, got ${response.statusCode} ${response.body}`,
          );
        }
      }
      assert.deepEqual(cells, []);
    });
  }
});
