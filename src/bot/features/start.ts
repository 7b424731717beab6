import { Composer } from 'grammy';
import type { Context } from '../context.js';

export const startFeature = new Composer<Context>();

startFeature.chatType('private').command('start', (ctx) => openStart(ctx, ctx.match));

/**
 * Answers /start. `payload` is the deep-link argument (`t.me/<bot>?start=<payload>`); it is
 * also replayed here once a user held back by force-subscribe has joined.
 */
export async function openStart(ctx: Context, payload: string): Promise<void> {
  if (payload) ctx.logger.debug({ payload }, 'start with a deep link');
  await ctx.reply(ctx.t('start-welcome', { name: ctx.from?.first_name ?? '' }));
}
