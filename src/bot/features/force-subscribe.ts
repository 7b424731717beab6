import { Composer, InlineKeyboard, InlineQueryResultBuilder, type MiddlewareFn } from 'grammy';
import { addJoinRequest, removeJoinRequest } from '../../db/join-requests.js';
import { checkSubscriptionData } from '../callback-data.js';
import type { Context } from '../context.js';
import { deleteMessageQuietly } from '../delete-message.js';
import { subscribeKeyboard } from '../keyboards/subscribe.js';
import { isAdmin } from '../middlewares/admin.js';
import type { Subscriptions } from '../subscriptions.js';
import { openStart } from './start.js';

const START_PAYLOAD = /^\/start(?:@\w+)?\s+(\S+)/;

/**
 * Users must join FORCE_SUB_CHANNELS before using the bot. Join requests are remembered
 * (they count as joined), "check again" re-asks Telegram, and everything else a
 * non-member sends in private gets the join prompt instead of an answer. Inline mode, which
 * works in any chat, offers a non-member only a "join first" result that opens the bot.
 */
export function forceSubscribeFeature(subscriptions: Subscriptions): Composer<Context> {
  const feature = new Composer<Context>();

  feature.on('chat_join_request', async (ctx) => {
    const { chat, from } = ctx.chatJoinRequest;
    if (!(await subscriptions.requires(chat.id))) return;
    await addJoinRequest(ctx.db, chat.id, from.id);
    subscriptions.forget(chat.id, from.id);
  });

  // The request was approved, or the user joined or left some other way: it is settled. (A
  // declined request changes no membership and sends nothing; the retention prunes it.)
  feature.on('chat_member', async (ctx) => {
    const { chat, new_chat_member: member } = ctx.chatMember;
    await removeJoinRequest(ctx.db, chat.id, member.user.id);
    subscriptions.forget(chat.id, member.user.id);
  });

  feature.chatType('private').callbackQuery(checkSubscriptionData.filter, async (ctx) => {
    if ((await subscriptions.missing(ctx.from.id, true)).length > 0) {
      return ctx.answerCallbackQuery({ text: ctx.t('subscribe-still-missing'), show_alert: true });
    }
    await ctx.answerCallbackQuery({ text: ctx.t('subscribe-thanks') });
    const prompt = ctx.callbackQuery.message;
    if (prompt) await deleteMessageQuietly(ctx.api, prompt.chat.id, prompt.message_id);
    await openStart(ctx, '');
  });

  feature.on('inline_query', async (ctx, next) => {
    if (!subscriptions.enabled || isAdmin(ctx)) return next();
    if ((await subscriptions.missing(ctx.from.id)).length === 0) return next();
    const link = `https://t.me/${ctx.me.username}?start=join`;
    const open = ctx.t('subscribe-inline-open');
    const joinFirst = InlineQueryResultBuilder.article('join', ctx.t('subscribe-inline-title'), {
      description: ctx.t('subscribe-inline-description'),
      reply_markup: new InlineKeyboard().url(open, link),
    }).text(ctx.t('subscribe-inline-text', { bot: ctx.me.username }));
    // Personal and uncached: once the user has joined, the next query must list files.
    await ctx.answerInlineQuery([joinFirst], {
      cache_time: 0,
      is_personal: true,
      button: { text: open, start_parameter: 'join' },
    });
  });

  feature.use(gate(subscriptions));
  return feature;
}

function gate(subscriptions: Subscriptions): MiddlewareFn<Context> {
  return async (ctx, next) => {
    if (!subscriptions.enabled || ctx.chat?.type !== 'private' || !ctx.from || isAdmin(ctx)) {
      return next();
    }
    const missing = await subscriptions.missing(ctx.from.id);
    if (missing.length === 0) return next();

    const payload = ctx.message?.text?.match(START_PAYLOAD)?.[1];
    if (payload) ctx.session.pendingStart = payload;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('subscribe-required'), {
      reply_markup: subscribeKeyboard(ctx, missing),
    });
  };
}
