import { InlineKeyboard } from 'grammy';
import { checkSubscriptionData } from '../callback-data.js';
import type { Context } from '../context.js';
import type { Channel } from '../subscriptions.js';

/** One join button per missing channel, then "check again". */
export function subscribeKeyboard(ctx: Context, channels: Channel[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const { title, url } of channels) {
    if (url) keyboard.url(ctx.t('subscribe-join', { title }), url).row();
  }
  return keyboard.text(ctx.t('subscribe-check'), checkSubscriptionData.pack({}));
}
