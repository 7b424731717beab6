import type { MiddlewareFn } from 'grammy';
import type { Context } from '../context.js';
import { isAdmin } from './admin.js';

export interface FloodOptions {
  /** Messages and button presses a user may send within `windowMs`. */
  limit: number;
  windowMs: number;
}

/**
 * Per-user flood limit. Each user's window starts with their first message; past the limit
 * they get one polite warning, then silence (pressed buttons are still answered, so the
 * client stops spinning) until their window is over. Inline queries and member updates do
 * not count (inline mode sends an update per keystroke), nor do admins, whose upload
 * dialogs are bursts by nature.
 */
export function floodLimit({ limit, windowMs }: FloodOptions): MiddlewareFn<Context> {
  const windows = new Map<number, { count: number; endsAt: number }>();
  setInterval(() => {
    const now = Date.now();
    for (const [id, window] of windows) if (window.endsAt <= now) windows.delete(id);
  }, windowMs).unref();

  return async (ctx, next) => {
    if (!ctx.from || !(ctx.message || ctx.callbackQuery) || isAdmin(ctx)) return next();
    const now = Date.now();
    let window = windows.get(ctx.from.id);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      windows.set(ctx.from.id, window);
    }
    window.count++;
    if (window.count <= limit) return next();

    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    if (window.count === limit + 1) {
      ctx.logger.info({ user_id: ctx.from.id }, 'flood limit reached');
      if (ctx.chat?.type === 'private') await ctx.reply(ctx.t('flood-warning'));
    }
  };
}
