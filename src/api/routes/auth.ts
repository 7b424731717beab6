import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { findAccountByUsername } from '../../db/admins.js';
import { clearLoginFailures } from '../../db/login-failures.js';
import { ApiError } from '../errors.js';
import { beginPasswordCheck } from '../lock-out.js';
import { checkPassword } from '../passwords.js';
import { LoginBody, LoginResponse } from '../schemas/accounts.js';
import { ErrorResponse } from '../schemas/common.js';

/** POST /api/auth/login: a token for a username and password. */
const auth: FastifyPluginAsyncTypebox = async (fastify) => {
  const ttl = fastify.deps.config.api.tokenTtlSeconds;

  fastify.post(
    '/api/auth/login',
    {
      schema: {
        security: [],
        body: LoginBody,
        response: { 200: LoginResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      await beginPasswordCheck(request, reply, username, 'too many failed logins; try again later');
      const account = await findAccountByUsername(fastify.db, username);
      const matches = await checkPassword(account?.password_hash, password);
      if (!account || !matches || account.disabled_at !== null) {
        throw new ApiError(401, 'wrong username or password');
      }
      await clearLoginFailures(fastify.db, username);
      request.log.info({ account: account.id }, 'logged in');
      return { token: fastify.issueToken(account), expiresIn: ttl };
    },
  );
};

export default auth;
