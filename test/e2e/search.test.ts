import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from 'grammy/types';
import type { Db } from '../../src/db/database.js';
import type { CallRecord } from '../emulator/index.js';
import { type Expected, startWorld, type World } from './harness.js';
import { addTestFile, buttonsOf, dataOf, pressAndWait, sentMessage } from './library-helpers.js';

/** The answer showing page `n` of the 23 files about listening. */
const PAGE = (n: number) => `🔎 «listening»: 23 files found.\nPage ${n}/3`;

describe('search', () => {
  let world: World;
  let db: Db;
  before(async () => {
    world = await startWorld();
    db = await world.db();
    const { emu } = world;
    for (const spec of [
      { title: "O'zbek tili grammatikasi", tags: ['darslik'] },
      { title: 'Oʻzbekcha soʻzlashuv', type: 'audio' as const },
      { title: 'Ўзбек тили луғати', tags: ['луғат'] },
      { title: 'G‘alaba kuni hikoyasi', type: 'video' as const },
      { title: 'Русский язык для начинающих', tags: ['учебник'] },
      { title: 'English Grammar in Use', tags: ['grammar', 'b1'] },
      { title: 'Phrasal verbs one' },
      { title: 'Phrasal verbs two' },
    ]) {
      await addTestFile(emu, db, spec);
    }
    for (let n = 1; n <= 23; n++) {
      await addTestFile(emu, db, { title: `Listening lesson ${n}`, tags: ['listening'] });
    }
  });
  after(() => world.close());

  /**
   * The bot's answer to a search. Each search comes from a new user in `user`'s language: one
   * person does not type eight queries a second, and Telegram would hold the bot's replies.
   */
  async function search(
    user: User,
    text: string,
    expected: Expected = quoting(text.replace(/^\/search\s*/, '')),
  ): Promise<CallRecord> {
    return world.ask(world.emu.user({ language_code: user.language_code ?? 'en' }), text, expected);
  }

  /** A search's answer, found or not, quotes the query. */
  const quoting =
    (query: string): Expected =>
    (call) =>
      String(call.params.text).includes(`«${query}»`);

  function titles(call: CallRecord): string[] {
    return buttonsOf(call)
      .filter((b) => 'callback_data' in b && b.callback_data?.startsWith('file:'))
      .map((b) => b.text.replace(/^\S+ /u, ''));
  }

  const uzbek = ["O'zbek tili grammatikasi", 'Oʻzbekcha soʻzlashuv', 'Ўзбек тили луғати'];

  it('finds Uzbek in Latin and Cyrillic, whatever the apostrophe', async () => {
    const user = world.emu.user({ first_name: 'Aziz', language_code: 'uz' });
    const latin = await search(user, "o'zbek");
    assert.equal(latin.params.text, "🔎 «o'zbek» bo'yicha 3 ta fayl topildi.\nSahifa 1/1");
    assert.deepEqual(titles(latin).sort(), [...uzbek].sort());
    for (const query of ['oʻzbek', 'o‘zbek', 'O’ZBEK', 'ўзбек']) {
      assert.deepEqual(titles(await search(user, query)).sort(), [...uzbek].sort(), query);
    }
    assert.deepEqual(titles(await search(user, "g'alaba")), ['G‘alaba kuni hikoyasi']);
    assert.deepEqual(titles(await search(user, 'ғалаба')), ['G‘alaba kuni hikoyasi']);
    assert.deepEqual(titles(await search(user, 'луғат')), ['Ўзбек тили луғати']);
  });

  it('finds Russian and English by word prefixes, in titles and tags', async () => {
    const user = world.emu.user({ first_name: 'Olga', language_code: 'ru' });
    const russian = await search(user, 'русск язык');
    assert.equal(russian.params.text, '🔎 «русск язык»: найден 1 файл.\nСтраница 1/1');
    assert.deepEqual(titles(russian), ['Русский язык для начинающих']);
    assert.deepEqual(titles(await search(user, 'учебн')), ['Русский язык для начинающих']);

    const english = world.emu.user({ first_name: 'Emma', language_code: 'en' });
    const grammar = await search(english, 'gram');
    assert.match(String(grammar.params.text), /^🔎 «gram»: 2 files found\.\nPage 1\/1$/);
    assert.deepEqual(titles(grammar).sort(), [
      'English Grammar in Use',
      "O'zbek tili grammatikasi",
    ]);
    assert.deepEqual(titles(await search(english, 'B1')), ['English Grammar in Use']);
  });

  it('ranks equally relevant files by downloads', async () => {
    const user = world.emu.user({ first_name: 'Rank', language_code: 'en' });
    assert.deepEqual(titles(await search(user, 'phrasal')), [
      'Phrasal verbs one',
      'Phrasal verbs two',
    ]);
    await db
      .updateTable('files')
      .set({ downloads_count: 7 })
      .where('title', '=', 'Phrasal verbs two')
      .execute();
    assert.deepEqual(titles(await search(user, 'phrasal')), [
      'Phrasal verbs two',
      'Phrasal verbs one',
    ]);
  });

  it('answers /search <query>, and explains /search alone', async () => {
    const user = world.emu.user({ first_name: 'Cmd', language_code: 'en' });
    assert.deepEqual(titles(await search(user, '/search english')), ['English Grammar in Use']);
    await search(
      user,
      '/search',
      'Tell me what to look for, e.g. /search grammar. Or just send the word.',
    );
  });

  it('says so, with a hint, when nothing matches', async () => {
    const texts: Record<string, string> = {};
    for (const language of ['uz', 'ru', 'en']) {
      const user = world.emu.user({ first_name: 'None', language_code: language });
      const answer = await search(user, 'xylophone');
      assert.equal(buttonsOf(answer).length, 0);
      texts[language] = String(answer.params.text);
    }
    assert.match(texts.uz ?? '', /^«xylophone» bo'yicha hech narsa topilmadi\. 😕\n\nMaslahat: /);
    assert.match(texts.ru ?? '', /^По запросу «xylophone» ничего не найдено\. 😕\n\nСовет: /);
    assert.match(texts.en ?? '', /^Nothing found for «xylophone»\. 😕\n\nTip: /);
  });

  it('pages through results ten at a time, and the pages survive a restart', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Pager', language_code: 'en' });
    const first = await world.ask(user, 'listening', PAGE(1));
    assert.equal(titles(first).length, 10);
    assert.deepEqual(
      buttonsOf(first)
        .map((b) => b.text)
        .slice(10),
      ['Next ▶️'],
    );
    for (const button of buttonsOf(first)) {
      assert.ok(Buffer.byteLength(String('callback_data' in button && button.callback_data)) <= 64);
    }
    const message = sentMessage(first);

    const second = await pressAndWait(
      emu,
      user,
      message,
      dataOf(first, 'Next ▶️'),
      'editMessageText',
      {
        expected: PAGE(2),
      },
    );
    assert.equal(titles(second).length, 10);
    assert.deepEqual(
      buttonsOf(second)
        .map((b) => b.text)
        .slice(10),
      ['◀️ Previous', 'Next ▶️'],
    );
    const seen = new Set([...titles(first), ...titles(second)]);
    assert.equal(seen.size, 20, 'no file is on two pages');

    await world.restart();
    const third = await pressAndWait(
      emu,
      user,
      message,
      dataOf(second, 'Next ▶️'),
      'editMessageText',
      {
        expected: PAGE(3),
      },
    );
    assert.equal(titles(third).length, 3);
    assert.deepEqual(
      buttonsOf(third)
        .map((b) => b.text)
        .slice(3),
      ['◀️ Previous'],
    );
    for (const title of titles(third)) seen.add(title);
    assert.equal(seen.size, 23, 'every file once');

    await pressAndWait(emu, user, message, dataOf(third, '◀️ Previous'), 'editMessageText', {
      expected: PAGE(2),
    });
  });

  it('tells a user whose search is no longer remembered to search again', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Stale', language_code: 'en' });
    const first = await world.ask(user, 'listening', PAGE(1));
    const answer = await pressAndWait(
      emu,
      user,
      sentMessage(first),
      'page:2:forgotten',
      'answerCallbackQuery',
    );
    assert.equal(answer.params.text, 'This search has expired. Please send your query again.');
    assert.equal(answer.params.show_alert, true);
  });

  it("opens a result's card", async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Card', language_code: 'en' });
    const results = await world.ask(user, 'english grammar', quoting('english grammar'));
    const card = await pressAndWait(
      emu,
      user,
      sentMessage(results),
      dataOf(results, /English Grammar in Use/),
      'sendMessage',
      {
        expected: [
          '📄 English Grammar in Use',
          '',
          'Type: document',
          'Size: 2 KB',
          'Tags: grammar, b1',
          'Downloads: 0',
        ].join('\n'),
      },
    );
    assert.deepEqual(
      buttonsOf(card).map((b) => b.text),
      ['⬇️ Download'],
    );
  });
});
