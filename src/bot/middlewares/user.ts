import type { MiddlewareFn } from 'grammy';
import { touchUser } from '../../db/users.js';
import type { Context } from '../context.js';

/**
 * Keeps the sender's row fresh (profile, last seen) and puts it on the context. Users an
 * admin banned get no further: the bot ignores them.
 */
export const userMiddleware: MiddlewareFn<Context> = async (ctx, next) => {
  if (!ctx.from || ctx.from.is_bot) return next();
  ctx.user = await touchUser(ctx.db, ctx.from);
  if (ctx.user.banned_at !== null) {
    ctx.logger.debug({ user_id: ctx.from.id }, 'ignoring a banned user');
    return;
  }
  return next();
};
