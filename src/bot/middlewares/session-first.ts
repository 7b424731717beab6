import type { MiddlewareFn, StorageAdapter } from 'grammy';
import type { Context, SessionData } from '../context.js';

/**
 * grammY's session plugin writes the session back once the handlers are done, after their
 * replies: a crash in between would leave the user looking at a prompt ("now send the
 * title") for a step the bot then forgot. Installed right after the session plugin, this
 * writes a changed session to `storage` before every Bot API call the update makes, so what
 * a reply confirms is on disk before the reply leaves. The plugin's own write still follows.
 */
export function sessionBeforeReplies(storage: StorageAdapter<SessionData>): MiddlewareFn<Context> {
  return async (ctx, next) => {
    // The session key, as the plugin's default makes it; no chat, no session.
    const key = ctx.chat?.id.toString();
    if (key === undefined) return next();
    let written = JSON.stringify(ctx.session);
    ctx.api.config.use(async (prev, method, payload, signal) => {
      const current = JSON.stringify(ctx.session);
      if (current !== written) {
        // Set first: calls made together write once.
        written = current;
        await storage.write(key, ctx.session ?? {});
      }
      return prev(method, payload, signal);
    });
    await next();
  };
}
