import fastifyJwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { findAccount } from '../../../db/admins.js';
import { ApiError } from '../../errors.js';
import { can, type Permission, type Role } from '../../permissions.js';

/** The caller of an authorised request. */
export interface Account {
  id: number;
  username: string;
  role: Role;
}

/** What a token carries: the account and the token version it was issued under. */
interface TokenPayload {
  sub: string;
  ver: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * An onRequest hook that lets the request through only with a valid token of an enabled
     * account allowed `permission`: 401 without one (missing, bad, expired, revoked), 403
     * when the role lacks the permission. It sets `request.account`.
     */
    requirePermission(
      permission: Permission,
    ): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** A token for the account at its current token version. */
    issueToken(account: { id: number; token_version: number }): string;
  }
  interface FastifyRequest {
    /** Set by requirePermission; only routes behind it read it. */
    account: Account;
  }
}

/** Bearer tokens: HS256 JWTs (no other algorithm accepted), checked against the account row. */
export default fp(
  async (fastify) => {
    const { deps } = fastify;
    await fastify.register(fastifyJwt, {
      secret: deps.jwtSecret,
      sign: { algorithm: 'HS256', expiresIn: `${deps.config.api.tokenTtlSeconds}s` },
      // Pinned: a token signed otherwise (`alg: none`, HS512, RS256) is refused.
      verify: { algorithms: ['HS256'] },
    });
    fastify.decorateRequest('account', null as unknown as Account);

    fastify.decorate('issueToken', (account: { id: number; token_version: number }) =>
      fastify.jwt.sign({ sub: String(account.id), ver: account.token_version }),
    );

    fastify.decorate('requirePermission', (permission: Permission) => {
      return async (request: FastifyRequest) => {
        const account = await authenticate(request);
        if (!can(account.role, permission)) {
          throw new ApiError(403, `the ${account.role} role may not do this (${permission})`);
        }
        request.account = account;
      };
    });

    async function authenticate(request: FastifyRequest): Promise<Account> {
      if (!/^Bearer /i.test(request.headers.authorization ?? '')) {
        throw new ApiError(401, 'a Bearer token is required');
      }
      let payload: TokenPayload;
      try {
        payload = await request.jwtVerify<TokenPayload>();
      } catch (error) {
        const expired = (error as { code?: string }).code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED';
        throw new ApiError(401, expired ? 'the token has expired' : 'the token is not valid');
      }
      const row = await findAccount(fastify.db, Number(payload.sub));
      if (!row || row.disabled_at !== null || row.token_version !== payload.ver) {
        throw new ApiError(401, 'the token has been revoked');
      }
      return { id: row.id, username: row.username, role: row.role };
    }
  },
  { name: 'auth', dependencies: ['deps'] },
);
