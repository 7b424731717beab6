import { Composer } from 'grammy';
import { setBlocked } from '../../db/users.js';
import type { Context } from '../context.js';

export const memberStatusFeature = new Composer<Context>();

// In a private chat, my_chat_member tells that the user blocked ("kicked") or unblocked the bot.
memberStatusFeature.chatType('private').on('my_chat_member', async (ctx) => {
  const blocked = ctx.myChatMember.new_chat_member.status === 'kicked';
  await setBlocked(ctx.db, ctx.from.id, blocked);
  ctx.logger.info({ user_id: ctx.from.id, blocked }, 'user changed the bot membership');
});
