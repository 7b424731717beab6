import { randomBytes } from 'node:crypto';
import type { ChatInviteLink, User } from 'grammy/types';
import { chatMember, type Target } from '../chats.js';
import { badRequest } from '../errors.js';
import { chatIdParam, optBool, optInt, optStr, reqInt } from '../params.js';
import type { CallContext, Handler } from '../state.js';

const getChat: Handler = (ctx) => {
  const target = ctx.state.chats.resolve(chatIdParam(ctx.params));
  const extra = { accent_color_id: 0, max_reaction_count: 11 };
  if (target.kind === 'private') return { ...target.chat, ...extra };
  return { ...target.chat, ...extra, invite_link: target.channel.inviteLink };
};

function knownUser(ctx: CallContext, id: number): User {
  if (id === ctx.state.bot.id) return ctx.state.chats.bot;
  const state = ctx.state.chats.users.get(id);
  if (!state) throw badRequest('user not found');
  return state.user;
}

/** The channel of a chat_id where the bot administers, as member management needs. */
function managedChannel(ctx: CallContext): Extract<Target, { kind: 'channel' }> {
  const target = ctx.state.chats.resolve(chatIdParam(ctx.params));
  if (target.kind !== 'channel') throw badRequest('chat not found');
  const botStatus = ctx.state.chats.status(target.chat.id, ctx.state.bot.id);
  if (botStatus !== 'administrator' && botStatus !== 'creator') {
    throw badRequest('member list is inaccessible');
  }
  return target;
}

const getChatMember: Handler = (ctx) => {
  const userId = reqInt(ctx.params, 'user_id');
  const target = ctx.state.chats.resolve(chatIdParam(ctx.params));
  if (target.kind === 'private') {
    const user = knownUser(ctx, userId);
    if (userId !== target.chat.id && userId !== ctx.state.bot.id) {
      throw badRequest('user not found');
    }
    const kicked = userId === ctx.state.bot.id && target.user.blocked;
    return chatMember(kicked ? 'kicked' : 'member', user);
  }
  const channel = managedChannel(ctx);
  return ctx.state.chats.member(channel.chat.id, knownUser(ctx, userId));
};

function joinRequest(approve: boolean): Handler {
  return (ctx) => {
    const { channel } = managedChannel(ctx);
    const userId = reqInt(ctx.params, 'user_id');
    if (!channel.pendingJoins.has(userId)) {
      const status = channel.members.get(userId);
      if (approve && status && status !== 'left' && status !== 'kicked') {
        throw badRequest('USER_ALREADY_PARTICIPANT');
      }
      throw badRequest('HIDE_REQUESTER_MISSING');
    }
    channel.pendingJoins.delete(userId);
    if (approve) channel.members.set(userId, 'member');
    return true;
  };
}

const createChatInviteLink: Handler = (ctx) => {
  managedChannel(ctx);
  const createsJoinRequest = optBool(ctx.params, 'creates_join_request');
  const memberLimit = optInt(ctx.params, 'member_limit');
  if (createsJoinRequest && memberLimit !== undefined) {
    throw badRequest("member limit can't be specified for links requiring administrator approval");
  }
  const link: ChatInviteLink = {
    invite_link: `https://t.me/+${randomBytes(12).toString('base64url')}`,
    creator: ctx.state.chats.bot,
    creates_join_request: createsJoinRequest,
    is_primary: false,
    is_revoked: false,
  };
  const name = optStr(ctx.params, 'name');
  if (name !== undefined) link.name = name;
  const expireDate = optInt(ctx.params, 'expire_date');
  if (expireDate !== undefined) link.expire_date = expireDate;
  if (memberLimit !== undefined) link.member_limit = memberLimit;
  return link;
};

const exportChatInviteLink: Handler = (ctx) => {
  const { channel } = managedChannel(ctx);
  channel.inviteLink = `https://t.me/+${randomBytes(12).toString('base64url')}`;
  return channel.inviteLink;
};

/** Handlers of chat and membership methods. */
export const chatMethods: Record<string, Handler> = {
  getChat,
  getChatMember,
  approveChatJoinRequest: joinRequest(true),
  declineChatJoinRequest: joinRequest(false),
  createChatInviteLink,
  exportChatInviteLink,
};
