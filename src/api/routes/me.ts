import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { accountView, findAccount, updateAccount } from '../../db/admins.js';
import { recordAudit } from '../../db/audit.js';
import { clearLoginFailures } from '../../db/login-failures.js';
import { ApiError } from '../errors.js';
import { beginPasswordCheck } from '../lock-out.js';
import { checkPassword, hashPassword } from '../passwords.js';
import { AccountSchema, NewPassword } from '../schemas/accounts.js';
import { ErrorResponse } from '../schemas/common.js';

const PasswordChange = Type.Object(
  { current: Type.String({ minLength: 1, maxLength: 256 }), new: NewPassword },
  { additionalProperties: false },
);

/** The caller's own account: GET /api/me, POST /api/me/password. */
const me: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/me',
    {
      onRequest: fastify.requirePermission('read'),
      schema: { tags: ['accounts'], response: { 200: AccountSchema, 401: ErrorResponse } },
    },
    async (request) => {
      const row = await findAccount(fastify.db, request.account.id);
      if (!row) throw new ApiError(401, 'the token has been revoked');
      return accountView(row);
    },
  );

  fastify.post(
    '/api/me/password',
    {
      onRequest: fastify.requirePermission('read'),
      schema: {
        tags: ['accounts'],
        description: 'Changes the password; every token of the account, this one too, ends.',
        body: PasswordChange,
        response: {
          204: Type.Null({ description: 'changed' }),
          400: ErrorResponse,
          401: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { id, username } = request.account;
      // Guesses of the current password count like failed logins: a stolen token must not
      // be a way to find the password.
      const refusal = 'too many failed password checks; try again later';
      await beginPasswordCheck(request, reply, username, refusal);
      const row = await findAccount(fastify.db, id);
      if (!row || !(await checkPassword(row.password_hash, request.body.current))) {
        throw new ApiError(400, 'body/current is not the password of this account');
      }
      await clearLoginFailures(fastify.db, username);
      const passwordHash = await hashPassword(request.body.new);
      await fastify.db.transaction().execute(async (trx) => {
        await updateAccount(trx, id, { password_hash: passwordHash }, true);
        // No hashes in the log: the row says only that the password changed.
        await recordAudit(trx, {
          accountId: id,
          action: 'accounts.password',
          objectType: 'account',
          objectId: id,
          before: null,
          after: null,
        });
      });
      return reply.code(204).send(null);
    },
  );
};

export default me;
