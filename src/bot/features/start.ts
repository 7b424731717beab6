import { Composer } from 'grammy';
import type { Context } from '../context.js';
import { openFileCard } from './file-card.js';

/** `f_<id>`: a link to one library file (the share link uploads give), opening its card. */
const FILE_LINK = /^f_(\d+)$/;

/** The share link of a library file: opens the bot on the file's card. */
export function fileLink(botUsername: string, fileId: number): string {
  return `https://t.me/${botUsername}?start=f_${fileId}`;
}

export const startFeature = new Composer<Context>();

startFeature.chatType('private').command('start', (ctx) => openStart(ctx, ctx.match));

/**
 * Answers /start. `payload` is the deep-link argument (`t.me/<bot>?start=<payload>`); a
 * payload held back while the user joined the required channels is used once, here.
 */
export async function openStart(ctx: Context, payload: string): Promise<void> {
  const link = payload || ctx.session.pendingStart;
  delete ctx.session.pendingStart;
  if (link) ctx.logger.debug({ payload: link }, 'start with a deep link');
  const file = link?.match(FILE_LINK);
  if (file) return openFileCard(ctx, Number(file[1]));
  await ctx.reply(ctx.t('start-welcome', { name: ctx.from?.first_name ?? '' }));
}
