import type { MiddlewareFn } from 'grammy';
import type { Context } from '../context.js';
import { isAdmin } from './admin.js';

/** How many updates of a kind a user may send within `windowMs`. */
export interface Rate {
  limit: number;
  windowMs: number;
}

export interface FloodOptions {
  /** Messages and button presses (searches, page turns and downloads among them). */
  messages: Rate;
  /** Inline queries: clients send one per pause in typing, so allow more. */
  inlineQueries: Rate;
}

/** Telegram clients send an inline query as the user types; 20 in 10 s is brisk typing. */
export const DEFAULT_FLOOD: FloodOptions = {
  messages: { limit: 8, windowMs: 5000 },
  inlineQueries: { limit: 20, windowMs: 10_000 },
};

/**
 * Per-user flood limits, one window per user and kind, starting with their first update.
 * Past the message limit a user gets one polite warning, then silence (pressed buttons are
 * still answered, so the client stops spinning) until their window is over. Past the inline
 * limit each query gets an empty answer, not an error, so no client shows a failure and no
 * search runs. Member updates do not count, nor do admins, whose upload dialogs are bursts
 * by nature.
 */
export function floodLimit(options: FloodOptions): MiddlewareFn<Context> {
  const messages = new Windows(options.messages);
  const inlineQueries = new Windows(options.inlineQueries);

  return async (ctx, next) => {
    if (!ctx.from || isAdmin(ctx)) return next();
    if (ctx.inlineQuery) {
      const count = inlineQueries.hit(ctx.from.id);
      if (count <= options.inlineQueries.limit) return next();
      if (count === options.inlineQueries.limit + 1) {
        ctx.logger.info({ user_id: ctx.from.id }, 'inline query limit reached');
      }
      // Personal and uncached, so the empty answer reaches no one else and does not outlast
      // the window.
      await ctx.answerInlineQuery([], { cache_time: 0, is_personal: true });
      return;
    }
    if (!(ctx.message || ctx.callbackQuery)) return next();
    const count = messages.hit(ctx.from.id);
    if (count <= options.messages.limit) return next();

    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    if (count === options.messages.limit + 1) {
      ctx.logger.info({ user_id: ctx.from.id }, 'flood limit reached');
      if (ctx.chat?.type === 'private') await ctx.reply(ctx.t('flood-warning'));
    }
  };
}

/** Counts each user's updates in a fixed window that starts with their first one. */
class Windows {
  private readonly windows = new Map<number, { count: number; endsAt: number }>();

  constructor(private readonly rate: Rate) {
    setInterval(() => {
      const now = Date.now();
      for (const [id, window] of this.windows) if (window.endsAt <= now) this.windows.delete(id);
    }, rate.windowMs).unref();
  }

  /** Counts one update from the user; returns how many they sent in this window. */
  hit(userId: number): number {
    const now = Date.now();
    let window = this.windows.get(userId);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + this.rate.windowMs };
      this.windows.set(userId, window);
    }
    return ++window.count;
  }
}
