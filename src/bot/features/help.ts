import { Composer } from 'grammy';
import type { Context } from '../context.js';
import { isAdmin } from '../middlewares/admin.js';

export const helpFeature = new Composer<Context>();

helpFeature.chatType('private').command('help', (ctx) => {
  const bot = ctx.me.username;
  return ctx.reply(
    isAdmin(ctx)
      ? ctx.t('help-admin', { id: String(ctx.from.id), bot })
      : ctx.t('help-user', { bot }),
  );
});
