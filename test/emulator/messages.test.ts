import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Bot, GrammyError } from 'grammy';
import { fakeJpeg } from './helpers.js';
import { Emulator } from './index.js';
import { QUERY_LIFETIME_MS } from './methods/queries.js';

const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

async function refusal(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(error instanceof GrammyError, 'expected a GrammyError');
  return error;
}

describe('emulator messages', () => {
  let emu: Emulator;
  let bot: Bot;
  beforeEach(async () => {
    // Many sends to one chat: the flood limits have their own tests (limits.test.ts).
    emu = await Emulator.start({ perChatRate: null });
    bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
  });
  afterEach(() => emu.stop());

  it('numbers messages per chat, shared by user and bot messages', async () => {
    const ann = emu.user({ started: true, first_name: 'Ann' });
    const bob = emu.user({ started: true, first_name: 'Bob' });
    assert.deepEqual([ann.id, bob.id], [1000, 1001]);
    const first = emu.sendCommand(ann, '/start f_12');
    assert.equal(first.message?.message_id, 1);
    assert.deepEqual(first.message?.entities, [{ type: 'bot_command', offset: 0, length: 6 }]);
    assert.equal((await bot.api.sendMessage(ann.id, 'hi')).message_id, 2);
    assert.equal((await bot.api.sendMessage(bob.id, 'hi')).message_id, 1);
    assert.equal(emu.sendText(ann, 'thanks').message?.message_id, 3);
    assert.deepEqual(
      emu.messages(ann.id).map((m) => m.message_id),
      [2],
    );
    assert.equal(emu.deliveredCount(ann.id), 1);
  });

  it('edits messages, refusing unknown ones and identical content', async () => {
    const user = emu.user({ started: true });
    const keyboard = { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] };
    const sent = await bot.api.sendMessage(user.id, 'v1', { reply_markup: keyboard });
    const edited = await bot.api.editMessageText(user.id, sent.message_id, 'v2', {
      reply_markup: keyboard,
    });
    assert.ok(typeof edited === 'object');
    assert.equal((edited as { text?: string }).text, 'v2');
    assert.ok(edited.edit_date);
    const same = await refusal(
      bot.api.editMessageText(user.id, sent.message_id, 'v2', { reply_markup: keyboard }),
    );
    assert.equal(same.description, NOT_MODIFIED);
    const missing = await refusal(bot.api.editMessageText(user.id, 99, 'x'));
    assert.equal(missing.description, 'Bad Request: message to edit not found');
    // Without reply_markup the server drops the keyboard.
    await bot.api.editMessageText(user.id, sent.message_id, 'v3');
    assert.equal(emu.messages(user.id)[0]?.reply_markup, undefined);
    await bot.api.editMessageReplyMarkup(user.id, sent.message_id, { reply_markup: keyboard });
    assert.deepEqual(emu.messages(user.id)[0]?.reply_markup, keyboard);
    const noCaption = await refusal(
      bot.api.editMessageCaption(user.id, sent.message_id, { caption: 'c' }),
    );
    assert.equal(noCaption.description, 'Bad Request: there is no caption in the message to edit');
    const tooLong = await refusal(
      bot.api.sendMessage(user.id, 'x', {
        reply_markup: { inline_keyboard: [[{ text: 'B', callback_data: 'd'.repeat(65) }]] },
      }),
    );
    assert.equal(tooLong.description, 'Bad Request: BUTTON_DATA_INVALID');
  });

  it('deletes once, then answers message to delete not found', async () => {
    const user = emu.user({ started: true });
    const sent = await bot.api.sendMessage(user.id, 'bye');
    assert.equal(await bot.api.deleteMessage(user.id, sent.message_id), true);
    assert.deepEqual(emu.messages(user.id), []);
    const again = await refusal(bot.api.deleteMessage(user.id, sent.message_id));
    assert.equal(again.description, 'Bad Request: message to delete not found');
    assert.equal(emu.deliveredCount(user.id), 1, 'deleted messages still count as delivered');
  });

  it("answers message can't be deleted for a private message older than 48 hours", async () => {
    const user = emu.user({ started: true });
    const old = await bot.api.sendMessage(user.id, 'old');
    emu.advanceClock(47 * 3600_000);
    const recent = await bot.api.sendMessage(user.id, 'recent');
    assert.equal(await bot.api.deleteMessage(user.id, recent.message_id), true);
    emu.advanceClock(3600_000 + 1000);
    const late = await refusal(bot.api.deleteMessage(user.id, old.message_id));
    assert.equal(late.error_code, 400);
    assert.equal(late.description, "Bad Request: message can't be deleted");
    assert.deepEqual(
      emu.messages(user.id).map((m) => m.text),
      ['old'],
    );
  });

  it('copies a user photo with its caption, or with a new one', async () => {
    const admin = emu.user({ started: true, first_name: 'Admin' });
    const reader = emu.user({ started: true, first_name: 'Reader' });
    const upload = emu.sendFile(admin, {
      kind: 'photo',
      content: fakeJpeg(640, 480),
      caption: 'Lesson cover',
    });
    const source = upload.message;
    assert.ok(source?.photo);
    const copied = await bot.api.copyMessage(reader.id, admin.id, source.message_id);
    assert.deepEqual(Object.keys(copied), ['message_id']);
    const [copy] = emu.messages(reader.id);
    assert.deepEqual(copy?.photo, source.photo);
    assert.equal(copy?.caption, 'Lesson cover');
    assert.equal(copy?.forward_origin, undefined);
    await bot.api.copyMessage(reader.id, admin.id, source.message_id, { caption: 'New' });
    assert.equal(emu.messages(reader.id)[1]?.caption, 'New');
    const forwarded = await bot.api.forwardMessage(reader.id, admin.id, source.message_id);
    assert.equal(forwarded.forward_origin?.type, 'user');
    const missing = await refusal(bot.api.copyMessage(reader.id, admin.id, 999));
    assert.equal(missing.description, 'Bad Request: message to copy not found');
    assert.equal(emu.deliveredCount(reader.id), 3);
  });

  it('refuses blocked, deactivated and unknown recipients', async () => {
    const user = emu.user({ started: true });
    const blocked = emu.blockBot(user);
    assert.equal(blocked?.my_chat_member?.new_chat_member.status, 'kicked');
    assert.equal(blocked?.my_chat_member?.old_chat_member.status, 'member');
    const error = await refusal(bot.api.sendMessage(user.id, 'hi'));
    assert.deepEqual(
      [error.error_code, error.description],
      [403, 'Forbidden: bot was blocked by the user'],
    );
    const unblocked = emu.unblockBot(user);
    assert.equal(unblocked?.my_chat_member?.new_chat_member.status, 'member');
    await bot.api.sendMessage(user.id, 'welcome back');

    emu.deactivate(user);
    const gone = await refusal(bot.api.sendMessage(user.id, 'hi'));
    assert.deepEqual([gone.error_code, gone.description], [403, 'Forbidden: user is deactivated']);
    const unknown = await refusal(bot.api.sendMessage(424242, 'hi'));
    assert.deepEqual(
      [unknown.error_code, unknown.description],
      [400, 'Bad Request: chat not found'],
    );
  });

  it('refuses to write first to a user who never started the bot, until they write', async () => {
    const stranger = emu.user();
    const file = emu.createFile({ kind: 'document', fileName: 'a.pdf', content: 'pdf' });
    for (const attempt of [
      bot.api.sendMessage(stranger.id, 'hi'),
      bot.api.sendDocument(stranger.id, file.file_id),
    ]) {
      const error = await refusal(attempt);
      assert.deepEqual(
        [error.error_code, error.description],
        [403, "Forbidden: bot can't initiate conversation with a user"],
      );
    }
    emu.sendCommand(stranger, '/start');
    assert.equal((await bot.api.sendMessage(stranger.id, 'hello')).text, 'hello');
    const old = emu.user({ started: true });
    assert.equal((await bot.api.sendMessage(old.id, 'hi')).text, 'hi');
  });

  it('answers callback and inline queries once', async () => {
    const user = emu.user({ started: true });
    const sent = await bot.api.sendMessage(user.id, 'pick', {
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
    });
    const press = emu.pressButton(user, sent, 'a');
    const query = press.callback_query;
    assert.equal(query?.data, 'a');
    assert.equal(query?.message?.message_id, sent.message_id);
    assert.equal(await bot.api.answerCallbackQuery(query?.id ?? '', { text: 'ok' }), true);
    const twice = await refusal(bot.api.answerCallbackQuery(query?.id ?? ''));
    assert.match(twice.description, /query is too old/);

    const file = emu.createFile({ kind: 'document', fileName: 'a.pdf', content: 'pdf' });
    const inline = emu.inlineQuery(user, 'grammar').inline_query;
    assert.equal(
      await bot.api.answerInlineQuery(inline?.id ?? '', [
        { type: 'document', id: '1', title: 'A', document_file_id: file.file_id },
      ]),
      true,
    );
    const other = emu.inlineQuery(user, 'x').inline_query;
    const bad = await refusal(
      bot.api.answerInlineQuery(other?.id ?? '', [
        { type: 'document', id: '1', title: 'A', document_file_id: 'nope' },
      ]),
    );
    assert.equal(bad.description, 'Bad Request: wrong file identifier/HTTP URL specified');
  });

  it('expires callback and inline queries seconds after they were sent, on a movable clock', async () => {
    const user = emu.user({ started: true });
    const sent = await bot.api.sendMessage(user.id, 'pick', {
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
    });
    const fresh = emu.pressButton(user, sent, 'a').callback_query?.id ?? '';
    const late = emu.pressButton(user, sent, 'a').callback_query?.id ?? '';
    const inline = emu.inlineQuery(user, 'grammar').inline_query?.id ?? '';
    emu.advanceClock(QUERY_LIFETIME_MS - 1000);
    assert.equal(await bot.api.answerCallbackQuery(fresh), true, 'still fresh');
    emu.advanceClock(2000);
    const tooOld = await refusal(bot.api.answerCallbackQuery(late));
    assert.deepEqual(
      [tooOld.error_code, tooOld.description],
      [400, 'Bad Request: query is too old and response timeout expired or query ID is invalid'],
    );
    const inlineTooOld = await refusal(bot.api.answerInlineQuery(inline, []));
    assert.equal(inlineTooOld.description, tooOld.description);
    assert.throws(() => emu.advanceClock(-1), /only moves forward/);
  });

  it('sends chosen_inline_result only for a result the bot offered', async () => {
    const user = emu.user({ started: true });
    const query = emu.inlineQuery(user, 'gram');
    await bot.api.answerInlineQuery(query.inline_query?.id ?? '', [
      {
        type: 'article',
        id: 'r1',
        title: 'A',
        input_message_content: { message_text: 'a' },
      },
    ]);
    assert.throws(() => emu.chooseInlineResult(user, query, 'r2'), /offered no result r2/);
    const chosen = emu.chooseInlineResult(user, query, 'r1').chosen_inline_result;
    assert.deepEqual([chosen?.result_id, chosen?.query, chosen?.from.id], ['r1', 'gram', user.id]);
  });
});
