import type { FastifyReply, FastifyRequest } from 'fastify';
import { beginLoginAttempt } from '../db/login-failures.js';
import { ApiError } from './errors.js';

/**
 * Counts a password check before it runs (login, password change): while the username or
 * the caller's address is locked out, the request ends in a 429 with Retry-After.
 */
export async function beginPasswordCheck(
  request: FastifyRequest,
  reply: FastifyReply,
  username: string,
  refusal: string,
): Promise<void> {
  const wait = await beginLoginAttempt(request.server.db, username, request.ip, Date.now());
  if (wait > 0) {
    reply.header('retry-after', Math.ceil(wait / 1000));
    throw new ApiError(429, refusal);
  }
}
