import { limit } from '@grammyjs/ratelimiter';
import type { MiddlewareFn } from 'grammy';
import type { Context } from '../context.js';

export interface FloodOptions {
  /** Updates a user may send within `windowMs`. */
  limit: number;
  windowMs: number;
}

/**
 * Per-user flood limit. Past the limit the user gets one polite warning, then silence
 * until the window is over (the limiter calls onLimitExceeded once per excess).
 */
export function floodLimit(options: FloodOptions): MiddlewareFn<Context> {
  return limit<Context, never>({
    timeFrame: options.windowMs,
    limit: options.limit,
    // Only what a person sends counts: inline mode sends an update per keystroke.
    keyGenerator: (ctx) => (ctx.message || ctx.callbackQuery ? ctx.from?.id.toString() : undefined),
    onLimitExceeded: (ctx) => {
      ctx.logger.info({ user_id: ctx.from?.id }, 'flood limit reached');
      if (ctx.chat?.type !== 'private') return;
      ctx.reply(ctx.t('flood-warning')).catch((error: unknown) => {
        ctx.logger.warn({ err: error }, 'could not send the flood warning');
      });
    },
  });
}
