import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  accountView,
  findAccount,
  insertAccount,
  listAccounts,
  updateAccount,
} from '../../db/admins.js';
import { recordAudit } from '../../db/audit.js';
import { ApiError } from '../errors.js';
import { hashPassword } from '../passwords.js';
import { AccountSchema, NewPassword, RoleSchema, Username } from '../schemas/accounts.js';
import { ErrorResponse, IdParams, Paged, PageQuery, pageWindow } from '../schemas/common.js';

const NewAccount = Type.Object(
  { username: Username, password: NewPassword, role: RoleSchema },
  { additionalProperties: false },
);

const AccountChange = Type.Object(
  { role: Type.Optional(RoleSchema), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

/** The API's accounts (superadmins only): list, create, change role or disable. */
const admins: FastifyPluginAsyncTypebox = async (fastify) => {
  const manage = fastify.requirePermission('accounts:manage');

  fastify.get(
    '/api/admins',
    {
      onRequest: manage,
      schema: {
        tags: ['accounts'],
        querystring: PageQuery,
        response: { 200: Paged(AccountSchema), ...errors },
      },
    },
    async (request) => {
      const { items, total } = await listAccounts(fastify.db, pageWindow(request.query));
      return { items: items.map(accountView), total, ...request.query };
    },
  );

  fastify.post(
    '/api/admins',
    {
      onRequest: manage,
      schema: {
        tags: ['accounts'],
        body: NewAccount,
        response: { 201: AccountSchema, 409: ErrorResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { username, password, role } = request.body;
      const passwordHash = await hashPassword(password);
      const view = await fastify.db.transaction().execute(async (trx) => {
        const row = await insertAccount(trx, { username, password_hash: passwordHash, role });
        if (!row) return undefined;
        await recordAudit(trx, {
          accountId: request.account.id,
          action: 'accounts.create',
          objectType: 'account',
          objectId: row.id,
          before: null,
          after: accountView(row),
        });
        return accountView(row);
      });
      if (!view) throw new ApiError(409, `the username ${username} is taken`);
      return reply.code(201).send(view);
    },
  );

  fastify.patch(
    '/api/admins/:id',
    {
      onRequest: manage,
      schema: {
        tags: ['accounts'],
        description: 'A new role or disabling ends the account’s tokens.',
        params: IdParams,
        body: AccountChange,
        response: { 200: AccountSchema, 404: ErrorResponse, 409: ErrorResponse, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { role, disabled } = request.body;
      return fastify.db.transaction().execute(async (trx) => {
        const before = await findAccount(trx, id);
        if (!before) throw new ApiError(404, `no account ${id}`);
        const change = {
          ...(role === undefined ? {} : { role }),
          ...(disabled === undefined
            ? {}
            : { disabled_at: disabled ? (before.disabled_at ?? Date.now()) : null }),
        };
        const revoke =
          (role !== undefined && role !== before.role) ||
          (disabled === true && before.disabled_at === null);
        const after = await updateAccount(trx, id, change, revoke);
        if (!after) {
          throw new ApiError(409, 'the last enabled superadmin cannot be demoted or disabled');
        }
        await recordAudit(trx, {
          accountId: request.account.id,
          action: 'accounts.update',
          objectType: 'account',
          objectId: id,
          before: accountView(before),
          after: accountView(after),
        });
        return accountView(after);
      });
    },
  );
};

export default admins;
