import { Composer } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import {
  activeBroadcast,
  cancelBroadcast,
  confirmBroadcast,
  countAudience,
  createDraft,
  dropDraft,
} from '../../db/broadcasts.js';
import { ignoreStaleEdit } from '../../telegram-errors.js';
import { broadcastDropData, broadcastSendData, broadcastStopData } from '../callback-data.js';
import type { Context } from '../context.js';
import { confirmBroadcastKeyboard } from '../keyboards/broadcast.js';
import { isAdmin } from '../middlewares/admin.js';

/**
 * Admins' broadcasts: `/broadcast <text>` or `/broadcast` in reply to any message (copied
 * as it is), the audience and Send / Cancel first; then the broadcast actor sends it and
 * keeps the status message up to date. Stop button or /broadcast_cancel to stop it.
 */
export function broadcastFeature(kick: () => void): Composer<Context> {
  const feature = new Composer<Context>();
  const admin = feature.chatType('private').filter(isAdmin);

  admin.command('broadcast', async (ctx) => {
    const reply = ctx.message.reply_to_message;
    const text = ctx.match.trim();
    if (!reply && !text) return ctx.reply(ctx.t('broadcast-usage'));
    const draft = reply
      ? await createDraft(ctx.db, ctx.from.id, {
          fromChatId: ctx.chat.id,
          messageId: reply.message_id,
        })
      : await createDraft(ctx.db, ctx.from.id, {
          text,
          entities: shiftEntities(ctx.message, text),
        });
    await ctx.reply(ctx.t('broadcast-confirm', { count: await countAudience(ctx.db) }), {
      reply_markup: confirmBroadcastKeyboard(ctx, draft),
    });
  });

  admin.callbackQuery(broadcastSendData.filter, async (ctx) => {
    const { id } = broadcastSendData.unpack(ctx.callbackQuery.data);
    const message = ctx.callbackQuery.message;
    if (!message) return ctx.answerCallbackQuery();
    const count = await confirmBroadcast(ctx.db, id, {
      chatId: message.chat.id,
      messageId: message.message_id,
    });
    if (count === undefined) return ctx.answerCallbackQuery({ text: ctx.t('broadcast-not-draft') });
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('broadcast-queued', { count })).catch(ignoreStaleEdit);
    kick();
  });

  admin.callbackQuery(broadcastDropData.filter, async (ctx) => {
    const { id } = broadcastDropData.unpack(ctx.callbackQuery.data);
    await ctx.answerCallbackQuery();
    if (await dropDraft(ctx.db, id)) {
      await ctx.editMessageText(ctx.t('broadcast-dropped')).catch(ignoreStaleEdit);
    }
  });

  admin.callbackQuery(broadcastStopData.filter, async (ctx) => {
    const { id } = broadcastStopData.unpack(ctx.callbackQuery.data);
    const stopped = await cancelBroadcast(ctx.db, id);
    await ctx.answerCallbackQuery({
      text: ctx.t(stopped ? 'broadcast-stopping' : 'broadcast-not-running'),
    });
  });

  admin.command('broadcast_cancel', async (ctx) => {
    const active = await activeBroadcast(ctx.db);
    const stopped = active !== undefined && (await cancelBroadcast(ctx.db, active.id));
    await ctx.reply(ctx.t(stopped ? 'broadcast-stopping' : 'broadcast-not-running'));
  });

  return feature;
}

/** The command's formatting, moved to the text that follows `/broadcast `. */
function shiftEntities(
  message: { text?: string; entities?: MessageEntity[] },
  text: string,
): MessageEntity[] | undefined {
  // The text is looked for after the command only: "a" is also in "/broadcast".
  const command = message.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  const start = message.text?.indexOf(text, command?.length ?? 0) ?? -1;
  const entities = (message.entities ?? [])
    .filter((entity) => entity.type !== 'bot_command' && entity.offset >= start)
    .map((entity) => ({ ...entity, offset: entity.offset - start }));
  return start >= 0 && entities.length > 0 ? entities : undefined;
}
