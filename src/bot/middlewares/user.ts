import type { MiddlewareFn } from 'grammy';
import { findUser, touchUser } from '../../db/users.js';
import type { Context } from '../context.js';

/**
 * Keeps the sender's row fresh (profile, last seen) and puts it on the context. Only
 * people who talk to the bot in private become users (a join request or an inline query
 * alone does not make one). Users an admin banned get no further: the bot ignores them.
 */
export const userMiddleware: MiddlewareFn<Context> = async (ctx, next) => {
  if (!ctx.from || ctx.from.is_bot) return next();
  const talking = ctx.chat?.type === 'private' && !ctx.myChatMember;
  ctx.user = talking
    ? await touchUser(ctx.db, ctx.from, { wrote: ctx.message !== undefined })
    : await findUser(ctx.db, ctx.from.id);
  if (!ctx.user) return next();
  if (ctx.user.banned_at !== null) {
    ctx.logger.debug({ user_id: ctx.from.id }, 'ignoring a banned user');
    return;
  }
  return next();
};
