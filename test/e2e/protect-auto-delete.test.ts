import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InlineQueryResult } from 'grammy/types';
import type { Db } from '../../src/db/database.js';
import { scheduleDeletion } from '../../src/db/scheduled-deletions.js';
import { eventually, startWorld, type World } from './harness.js';
import { addTestFile, dataOf, openCard, pressAndWait, sentMessage } from './library-helpers.js';

const ENV = { PROTECT_CONTENT: 'true', AUTO_DELETE_MINUTES: '1' };

describe('PROTECT_CONTENT and AUTO_DELETE_MINUTES', () => {
  let world: World;
  let db: Db;
  before(async () => {
    world = await startWorld({ env: ENV });
    db = await world.db();
  });
  after(() => world.close());

  const scheduled = (chatId: number) =>
    db.selectFrom('scheduled_deletions').selectAll().where('chat_id', '=', chatId).execute();

  it('protects a sent file and deletes it when due, even across a restart', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Protected lesson' });
    const user = emu.user({ first_name: 'Saida', language_code: 'uz' });
    const card = sentMessage(await openCard(emu, user, file.id));
    const pressedAt = Date.now();
    const sent = await pressAndWait(emu, user, card, dataOf(card, /⬇️/), 'sendDocument');
    assert.equal(sent.params.protect_content, true);
    assert.equal(sent.params.caption, "⏳ Bu fayl 1 daqiqadan so'ng o'chiriladi.");
    const message = sentMessage(sent);
    assert.equal(message.has_protected_content, true);

    const [row] = await eventually(async () => {
      const rows = await scheduled(user.id);
      return rows.length > 0 ? rows : undefined;
    }, 'the deletion to be scheduled');
    assert.equal(row?.message_id, message.message_id);
    assert.ok(row && row.delete_at >= pressedAt + 60_000 && row.delete_at <= Date.now() + 60_000);

    // The bot is down when the minute passes; the schedule waits in the database.
    const mark = emu.mark();
    await world.restart(async () => {
      await db
        .updateTable('scheduled_deletions')
        .set({ delete_at: Date.now() - 1000 })
        .where('id', '=', row.id)
        .execute();
    });
    await emu.waitForCall(
      'deleteMessage',
      (c) => c.ok && c.params.chat_id === user.id && c.params.message_id === message.message_id,
      { after: mark, timeoutMs: 10_000 },
    );
    assert.ok(!emu.messages(user.id).some((m) => m.message_id === message.message_id));
    await eventually(async () => (await scheduled(user.id)).length === 0, 'the row to go');
  });

  it('drops a deletion whose message is already gone', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Gone', language_code: 'en' });
    await world.ask(user, '/start', /^Hello, /);
    await scheduleDeletion(db, user.id, 9999, Date.now() - 1000);
    const refused = await emu.waitForCall(
      'deleteMessage',
      (c) => c.params.chat_id === user.id && c.params.message_id === 9999,
      { timeoutMs: 10_000 },
    );
    assert.equal(refused.error?.description, 'Bad Request: message to delete not found');
    await eventually(async () => (await scheduled(user.id)).length === 0, 'the row to go');
  });

  it('offers links to the bot in inline mode, since inline results cannot be protected', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Inline protected' });
    const user = emu.user({ first_name: 'Sharer', language_code: 'en' });
    const update = emu.inlineQuery(user, 'inline protected');
    const answer = await emu.waitForCall(
      'answerInlineQuery',
      (c) => c.params.inline_query_id === update.inline_query?.id,
    );
    const [result] = answer.params.results as unknown as InlineQueryResult[];
    assert.equal(result?.type, 'article');
    const article = result as unknown as {
      title: string;
      input_message_content: { message_text: string };
      reply_markup: { inline_keyboard: { text: string; url: string }[][] };
    };
    assert.equal(article.title, 'Inline protected');
    assert.equal(
      article.input_message_content.message_text,
      '📄 Inline protected\nOpen the file in the bot:',
    );
    assert.deepEqual(article.reply_markup.inline_keyboard, [
      [{ text: '📥 Open in the bot', url: `https://t.me/PrimeLingoBot?start=f_${file.id}` }],
    ]);
  });
});

describe('AUTO_DELETE_MINUTES alone', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ env: { AUTO_DELETE_MINUTES: '5' } });
  });
  after(() => world.close());

  it('offers links to the bot in inline mode, since the bot cannot delete what is sent inline', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, await world.db(), { title: 'Inline deleted later' });
    const user = emu.user({ first_name: 'Sharer', language_code: 'en' });
    const update = emu.inlineQuery(user, 'inline deleted');
    const answer = await emu.waitForCall(
      'answerInlineQuery',
      (c) => c.params.inline_query_id === update.inline_query?.id,
    );
    const results = answer.params.results as unknown as InlineQueryResult[];
    assert.deepEqual(
      results.map((r) => [r.type, r.id]),
      [['article', `c${file.id}`]],
    );
    // A link chosen is not a download: the card it opens in the bot counts that.
    emu.chooseInlineResult(user, update, `c${file.id}`);
    // The user's updates are handled in order (one queue per user), so once /start is
    // answered the choice has been handled too.
    await world.ask(user, '/start', /^Hello, /);
    const db = await world.db();
    assert.equal((await db.selectFrom('downloads').selectAll().execute()).length, 0);
  });
});
