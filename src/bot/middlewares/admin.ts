import type { Context } from '../context.js';

/** True when the sender is listed in ADMIN_IDS; use with `composer.filter(isAdmin)`. */
export function isAdmin(ctx: Context): boolean {
  return ctx.from !== undefined && ctx.config.adminIds.includes(ctx.from.id);
}
