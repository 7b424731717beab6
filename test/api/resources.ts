import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/api/permissions.js';
import type { TestApi } from './helper.js';

/** A request as `role` (or with no token), through inject: no port. */
export async function call(
  api: TestApi,
  role: Role | null,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: object | string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const auth = role ? { authorization: `Bearer ${await api.tokenFor(role)}` } : {};
  return api.app.inject({
    method,
    url,
    headers: { ...auth, ...headers },
    ...(payload === undefined ? {} : { payload }),
  });
}

/** A multipart/form-data body of one PNG file in `field`, and its content-type header. */
export function multipart(field: string, fileName: string, bytes: Buffer) {
  const boundary = '----primelingo-test';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The audit rows of one action, oldest first, before/after parsed. */
export async function auditRows(api: TestApi, action: string) {
  const rows = await api.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    ...row,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  }));
}

/** Adds users as the bot would have seen them. */
export async function addUsers(
  api: TestApi,
  users: {
    id: number;
    first_name: string;
    username?: string;
    blocked?: boolean;
    banned?: boolean;
  }[],
): Promise<void> {
  await api.db
    .insertInto('users')
    .values(
      users.map((user, index) => ({
        id: user.id,
        first_name: user.first_name,
        username: user.username ?? null,
        last_name: null,
        language_code: 'en',
        language: null,
        blocked_at: user.blocked ? 1 : null,
        banned_at: user.banned ? 1 : null,
        last_seen_at: 1_000_000 + index,
      })),
    )
    .execute();
}
