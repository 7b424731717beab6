import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Bot, GrammyError } from 'grammy';
import { Emulator } from './index.js';

describe('emulator chats and members', () => {
  let emu: Emulator;
  let bot: Bot;
  beforeEach(async () => {
    emu = await Emulator.start();
    bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
  });
  afterEach(() => emu.stop());

  it('describes users and channels with getChat', async () => {
    const user = emu.user({ first_name: 'Ann', username: 'ann', language_code: 'uz' });
    const channel = emu.channel({
      username: 'primelingo_news',
      title: 'PrimeLingo News',
      inviteLink: 'https://t.me/+news',
    });
    assert.ok(channel.id < -1000000000000);
    const chat = await bot.api.getChat(user.id);
    assert.deepEqual([chat.type, chat.id, chat.username], ['private', user.id, 'ann']);
    const byName = await bot.api.getChat('@primelingo_news');
    assert.equal(byName.id, channel.id);
    assert.equal(byName.title, 'PrimeLingo News');
    assert.equal(byName.invite_link, 'https://t.me/+news');
    const missing = await bot.api.getChat('@nobody_here').catch((err: unknown) => err);
    assert.ok(missing instanceof GrammyError);
    assert.equal(missing.description, 'Bad Request: chat not found');
  });

  it('reports member statuses, left by default', async () => {
    const channel = emu.channel();
    const user = emu.user();
    const status = async () => (await bot.api.getChatMember(channel.id, user.id)).status;
    assert.equal(await status(), 'left');
    for (const next of ['creator', 'administrator', 'member', 'kicked', 'left'] as const) {
      emu.setMember(channel.id, user.id, next);
      assert.equal(await status(), next);
    }
    emu.setMember(channel.id, user.id, 'restricted');
    const restricted = await bot.api.getChatMember(channel.id, user.id);
    assert.ok(restricted.status === 'restricted' && restricted.is_member);
    const unknownChat = await bot.api.getChatMember(-100123, user.id).catch((err: unknown) => err);
    assert.ok(unknownChat instanceof GrammyError);
    assert.equal(unknownChat.description, 'Bad Request: chat not found');
    emu.setMember(channel.id, emu.bot.id, 'left');
    const inaccessible = await bot.api.getChatMember(channel.id, user.id).catch((e: unknown) => e);
    assert.ok(inaccessible instanceof GrammyError);
    assert.equal(inaccessible.description, 'Bad Request: member list is inaccessible');
  });

  it('sends chat_member when an admin approves a join request, nothing when one declines', async () => {
    const channel = emu.channel();
    const [approved, declined] = [emu.user(), emu.user()];
    emu.joinRequest(approved, channel.id);
    emu.joinRequest(declined, channel.id);
    const update = emu.settleJoinRequest(approved, channel.id, true);
    const change = update?.chat_member;
    assert.deepEqual(
      [change?.chat.id, change?.old_chat_member.status, change?.new_chat_member.status],
      [channel.id, 'left', 'member'],
    );
    assert.equal(change?.new_chat_member.user.id, approved.id);
    assert.equal((await bot.api.getChatMember(channel.id, approved.id)).status, 'member');
    assert.equal(emu.settleJoinRequest(declined, channel.id, false), undefined);
    assert.equal((await bot.api.getChatMember(channel.id, declined.id)).status, 'left');
    // Settled: a second answer to either request changes nothing.
    assert.equal(emu.settleJoinRequest(approved, channel.id, true), undefined);
    assert.equal(emu.settleJoinRequest(declined, channel.id, true), undefined);
  });

  it('keeps a join requester left until approved', async () => {
    const channel = emu.channel();
    const user = emu.user();
    const update = emu.joinRequest(user, channel.id);
    const request = update.chat_join_request;
    assert.deepEqual(
      [request?.chat.id, request?.from.id, request?.user_chat_id],
      [channel.id, user.id, user.id],
    );
    assert.equal((await bot.api.getChatMember(channel.id, user.id)).status, 'left');
    assert.equal(await bot.api.approveChatJoinRequest(channel.id, user.id), true);
    assert.equal((await bot.api.getChatMember(channel.id, user.id)).status, 'member');
    const again = await bot.api
      .approveChatJoinRequest(channel.id, user.id)
      .catch((e: unknown) => e);
    assert.ok(again instanceof GrammyError);
    assert.equal(again.description, 'Bad Request: USER_ALREADY_PARTICIPANT');

    const other = emu.user();
    emu.joinRequest(other, channel.id);
    assert.equal(await bot.api.declineChatJoinRequest(channel.id, other.id), true);
    assert.equal((await bot.api.getChatMember(channel.id, other.id)).status, 'left');
  });

  it('creates invite links and posts to channels it administers', async () => {
    const channel = emu.channel();
    const link = await bot.api.createChatInviteLink(channel.id, {
      name: 'promo',
      creates_join_request: true,
    });
    assert.match(link.invite_link, /^https:\/\/t\.me\/\+/);
    assert.deepEqual(
      [link.name, link.creates_join_request, link.creator.id],
      ['promo', true, emu.bot.id],
    );
    const post = await bot.api.sendMessage(channel.id, 'news');
    assert.equal(post.sender_chat?.id, channel.id);
    assert.equal(emu.messages(channel.id).length, 1);
    emu.setMember(channel.id, emu.bot.id, 'member');
    const refused = await bot.api.sendMessage(channel.id, 'news').catch((e: unknown) => e);
    assert.ok(refused instanceof GrammyError);
    assert.equal(refused.error_code, 403);
  });
});
