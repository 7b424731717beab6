import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InlineQueryResult, User } from 'grammy/types';
import type { Db } from '../../src/db/database.js';
import { recordDownload } from '../../src/db/downloads.js';
import { findFile } from '../../src/db/files.js';
import { findUser } from '../../src/db/users.js';
import { eventually, startWorld, type World } from './harness.js';
import {
  addTestFile,
  buttonsOf,
  dataOf,
  openCard,
  pressAndWait,
  sentMessage,
} from './library-helpers.js';

const HELP = /^How to use PrimeLingo:/;
const ADMIN_ID = 4242;

describe('admin commands', () => {
  let world: World;
  let db: Db;
  let admin: User;
  before(async () => {
    // A person presses these buttons seconds apart, the test at once: let the chat burst more
    // than Telegram's usual few messages, or the bot would spend the test waiting out 429s.
    world = await startWorld({
      env: { ADMIN_IDS: String(ADMIN_ID) },
      emulator: { perChatBurst: 10 },
    });
    db = await world.db();
    admin = world.emu.user({ id: ADMIN_ID, first_name: 'Admin', language_code: 'en' });
  });
  after(() => world.close());

  async function download(user: User, fileId: number): Promise<void> {
    const { emu } = world;
    const card = sentMessage(await openCard(emu, user, fileId));
    await pressAndWait(emu, user, card, dataOf(card, /⬇️/), 'sendDocument');
  }

  it('/stats counts users, files and downloads, and lists the top five', async () => {
    const { emu } = world;
    const [u1, u2, u3, u4] = [1, 2, 3, 4].map((n) =>
      emu.user({ first_name: `User${n}`, language_code: 'en' }),
    );
    assert.ok(u1 && u2 && u3 && u4);
    for (const user of [u1, u2, u3, u4]) await world.ask(user, '/start', /^Hello, User/);
    emu.blockBot(u3);
    await eventually(async () => (await findUser(db, u3.id))?.blocked_at != null, 'blocked_at');
    // u4 was last seen more than a week ago.
    await db
      .updateTable('users')
      .set({ last_seen_at: Date.now() - 8 * 24 * 3600_000 })
      .where('id', '=', u4.id)
      .execute();

    const files = [];
    for (const title of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot']) {
      files.push(await addTestFile(emu, db, { title }));
    }
    const [alpha, bravo, charlie, delta, echo, foxtrot] = files;
    assert.ok(alpha && bravo && charlie && delta && echo && foxtrot);
    // Three downloads through the bot, the rest recorded directly.
    await download(u1, alpha.id);
    await download(u2, alpha.id);
    await download(u1, bravo.id);
    for (const [file, times] of [
      [delta, 5],
      [echo, 4],
      [foxtrot, 3],
    ] as const) {
      for (let i = 0; i < times; i++) await recordDownload(db, u4.id, file.id);
    }
    // Charlie's one download was two days ago (the daily counts are kept as rows go in).
    await db
      .insertInto('downloads')
      .values({ user_id: u4.id, file_id: charlie.id, created_at: Date.now() - 2 * 24 * 3600_000 })
      .execute();
    await db
      .updateTable('files')
      .set({ downloads_count: 1 })
      .where('id', '=', charlie.id)
      .execute();
    await eventually(
      async () => (await findFile(db, bravo.id))?.downloads_count === 1,
      'the bot to count its downloads',
    );

    const stats = await world.ask(admin, '/stats', /^📊 Statistics/);
    assert.equal(
      stats.params.text,
      [
        '📊 Statistics',
        '',
        '👥 Users: 5',
        '   • active in the last 7 days: 4',
        '   • blocked the bot: 1',
        '📁 Files: 6',
        '⬇️ Downloads: 16 (today: 15)',
        '',
        '🏆 Most downloaded:',
        '1. Delta — 5',
        '2. Echo — 4',
        '3. Foxtrot — 3',
        '4. Alpha — 2',
        '5. Bravo — 1',
      ].join('\n'),
    );
  });

  it('/stats is not a command for users', async () => {
    const user = world.emu.user({ first_name: 'Curious', language_code: 'en' });
    await world.ask(user, '/stats', "I don't know this command. See /help.");
  });

  it('/help mentions search, inline mode and the admin tools', async () => {
    const user = world.emu.user({ first_name: 'Helpme', language_code: 'en' });
    const help = String((await world.ask(user, '/help', HELP)).params.text);
    assert.match(help, /\/search <word>/);
    assert.match(help, /type @PrimeLingoBot and a word/);
    assert.doesNotMatch(help, /\/stats/);
    const adminHelp = String((await world.ask(admin, '/help', HELP)).params.text);
    assert.match(adminHelp, /\/stats: users, files and downloads/);
  });

  it('lets an admin delete a file from its card, after a confirmation', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Obsolete syllabus', tags: ['old'] });
    const user = emu.user({ first_name: 'Reader', language_code: 'en' });
    const userCard = await openCard(emu, user, file.id);
    assert.deepEqual(
      buttonsOf(userCard).map((b) => b.text),
      ['⬇️ Download'],
    );
    const results = await world.ask(user, 'obsolete', /^🔎 «obsolete»: 1 file/);
    assert.equal(buttonsOf(results).length, 1);

    const cardCall = await openCard(emu, admin, file.id);
    assert.deepEqual(
      buttonsOf(cardCall).map((b) => b.text),
      ['⬇️ Download', '🗑 Delete'],
    );
    const card = sentMessage(cardCall);
    const confirm = 'Delete «Obsolete syllabus» from the library? This cannot be undone.';
    const ask = await pressAndWait(
      emu,
      admin,
      card,
      dataOf(cardCall, '🗑 Delete'),
      'editMessageText',
      {
        expected: confirm,
      },
    );
    assert.deepEqual(
      buttonsOf(ask).map((b) => b.text),
      ['✅ Yes, delete', '↩️ Cancel'],
    );

    // Cancel brings the card back untouched.
    const back = await pressAndWait(emu, admin, card, dataOf(ask, '↩️ Cancel'), 'editMessageText', {
      expected: String(cardCall.params.text),
    });
    assert.ok(await findFile(db, file.id));

    const again = await pressAndWait(
      emu,
      admin,
      card,
      dataOf(back, '🗑 Delete'),
      'editMessageText',
      {
        expected: confirm,
      },
    );
    const done = await pressAndWait(
      emu,
      admin,
      card,
      dataOf(again, '✅ Yes, delete'),
      'editMessageText',
      {
        expected: '🗑 «Obsolete syllabus» was deleted from the library.',
      },
    );
    assert.deepEqual(buttonsOf(done), []);
    assert.equal(await findFile(db, file.id), undefined);

    // Gone from search and inline mode at once.
    await world.ask(emu.user({ language_code: 'en' }), 'obsolete', /^Nothing found for «obsolete»/);
    const update = emu.inlineQuery(user, 'obsolete');
    const inline = await emu.waitForCall(
      'answerInlineQuery',
      (c) => c.params.inline_query_id === update.inline_query?.id,
    );
    assert.deepEqual(inline.params.results as unknown as InlineQueryResult[], []);

    // The user's old buttons say what happened.
    for (const [source, label] of [
      [userCard, /⬇️/],
      [results, /Obsolete syllabus/],
    ] as const) {
      const answer = await pressAndWait(
        emu,
        user,
        sentMessage(source),
        dataOf(source, label),
        'answerCallbackQuery',
      );
      assert.equal(answer.params.text, 'This file has been deleted from the library.');
    }
  });

  it('ignores a forged delete button from a user', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Keep me' });
    const user = emu.user({ first_name: 'Sneaky', language_code: 'en' });
    const card = sentMessage(await openCard(emu, user, file.id));
    const answer = await pressAndWait(emu, user, card, `del-yes:${file.id}`, 'answerCallbackQuery');
    assert.equal(answer.params.text, undefined);
    assert.ok(await findFile(db, file.id), 'still there');
  });
});
