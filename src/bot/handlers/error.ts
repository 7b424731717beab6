import type { I18n } from '@grammyjs/i18n';
import type { ErrorHandler } from 'grammy';
import { recordHealth } from '../../db/health.js';
import type { Context } from '../context.js';

/**
 * The error boundary around every feature: logs the failed update, records a
 * health_checks row, and tells the user, in their language, that something went wrong.
 * The bot keeps serving other updates.
 */
export function errorHandler(
  i18n: I18n<Context>,
  scrub: (text: string) => string,
): ErrorHandler<Context> {
  return async ({ ctx, error }) => {
    const message = scrub(error instanceof Error ? error.message : String(error));
    ctx.logger.error({ err: error, update: ctx.update }, 'update handler failed');
    ctx.metrics.errors.inc({ source: 'bot' });
    try {
      await recordHealth(ctx.db, {
        level: 'error',
        source: 'bot',
        message,
        context: { update_id: ctx.update.update_id, user_id: ctx.from?.id, chat_id: ctx.chat?.id },
      });
    } catch (dbError) {
      ctx.logger.error({ err: dbError }, 'could not record the handler error');
    }
    if (ctx.chat?.type !== 'private') return;
    const text =
      typeof ctx.t === 'function'
        ? ctx.t('error-generic')
        : i18n.t(ctx.config.defaultLanguage, 'error-generic');
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
      await ctx.reply(text);
    } catch (replyError) {
      ctx.logger.warn({ err: replyError }, 'could not tell the user about the error');
    }
  };
}
