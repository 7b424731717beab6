import type { I18n } from '@grammyjs/i18n';
import { InlineKeyboard } from 'grammy';
import { broadcastDropData, broadcastSendData, broadcastStopData } from '../callback-data.js';
import type { Context } from '../context.js';

export function confirmBroadcastKeyboard(ctx: Context, id: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('broadcast-send'), broadcastSendData.pack({ id }))
    .text(ctx.t('broadcast-drop'), broadcastDropData.pack({ id }));
}

export function stopBroadcastKeyboard(
  i18n: I18n<Context>,
  language: string,
  id: number,
): InlineKeyboard {
  return new InlineKeyboard().text(
    i18n.t(language, 'broadcast-stop'),
    broadcastStopData.pack({ id }),
  );
}
