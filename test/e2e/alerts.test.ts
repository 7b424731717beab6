import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from 'grammy/types';
import type { Db } from '../../src/db/database.js';
import { enqueueJob } from '../../src/db/jobs.js';
import type { CallRecord } from '../emulator/index.js';
import type { Keyboard } from './broadcast-helpers.js';
import { report } from './broadcast-helpers.js';
import { eventually, saying, startWorld, type World } from './harness.js';
import { addTestFile, dataOf, shownMessage } from './library-helpers.js';

const [RU, EN, UZ] = [7001, 7002, 7003];
const ADMINS = [RU, EN, UZ];
const APOLOGY = 'Sorry, something went wrong on our side. Please try again in a moment.';

/** An alert's text for each admin: exact, or a pattern where it holds a measured figure. */
type Texts = Record<number, string | RegExp>;

/** A pattern of `text` as written, with `(.*)` where it says `…`. */
const like = (text: string) =>
  new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('…', '(.*)')}$`);

/**
 * Each alert, provoked through the emulator, reaches every admin once in their language. That
 * it stays quiet while its condition lasts is checked once a later alert has arrived: the
 * bot checks its conditions every heartbeat (0.5 s here), so by then a duplicate would have
 * come first.
 */
describe('alerts to the admins', () => {
  let world: World;
  let db: Db;
  let en: User;
  before(async () => {
    // Heartbeats, and so the alerts' checks, every 0.5 s: Telegram counts as out of reach
    // after 24 of them (12 s; 2 min by default).
    world = await startWorld({ env: { ADMIN_IDS: ADMINS.join(','), HEARTBEAT_SECONDS: '0.5' } });
    const { emu } = world;
    db = await world.db();
    // One admin chose Russian over an English Telegram, one has an English Telegram, and the
    // third never wrote to the bot: the default language, Uzbek.
    const ru = emu.user({ id: RU, first_name: 'Rustam', language_code: 'en' });
    en = emu.user({ id: EN, first_name: 'Emma', language_code: 'en' });
    emu.user({ id: UZ, first_name: 'Umid', started: true });
    const menu = await world.ask(ru, '/lang', 'Choose your language:');
    const mark = emu.mark();
    press(ru, menu, dataOf(menu, 'Русский'));
    await emu.waitForCall('editMessageText', saying(RU, 'Язык выбран: русский.'), { after: mark });
    await world.ask(en, '/start', /^Hello, Emma!/);
  });
  after(() => world.close());

  /** Presses the button with this callback data under the message `menu` sent. */
  function press(user: User, menu: CallRecord, data: string) {
    world.emu.pressButton(user, shownMessage(world.emu, user, menu), data);
  }

  async function expectAlerts(after: number, texts: Texts): Promise<CallRecord[]> {
    const calls: CallRecord[] = [];
    for (const admin of ADMINS) {
      calls.push(
        await world.emu.waitForCall('sendMessage', saying(admin, texts[admin] ?? ''), {
          after,
          timeoutMs: 60_000,
        }),
      );
    }
    return calls;
  }

  function assertSentOnce(texts: Texts) {
    for (const admin of ADMINS) {
      const sent = world.emu.calls.filter(
        (c) => c.method === 'sendMessage' && saying(admin, texts[admin] ?? '')(c),
      );
      assert.equal(sent.length, 1, `admin ${admin}: ${sent.map((c) => c.params.text).join('\n')}`);
    }
  }

  /**
   * `users` new users each open /lang and press English `presses` times, and each press fails
   * in its handler (editMessageText is refused): resolves once every apology came.
   */
  async function storm(users: number, presses: number) {
    const { emu } = world;
    const people = Array.from({ length: users }, () =>
      emu.user({ first_name: 'Learner', language_code: 'en' }),
    );
    const menus = await Promise.all(
      people.map((user) => world.ask(user, '/lang', 'Choose your language:')),
    );
    const mark = emu.mark();
    emu.fail(
      'editMessageText',
      { error_code: 400, description: 'Bad Request: MESSAGE_ID_INVALID' },
      users * presses,
    );
    // Six updates each in a few seconds: under the flood limit (8 in 5 s).
    for (const [i, user] of people.entries()) {
      const menu = menus[i] as CallRecord;
      for (let n = 0; n < presses; n++) press(user, menu, dataOf(menu, /English$/));
    }
    await eventually(
      () =>
        emu.calls.slice(mark).filter((c) => c.ok && c.params.text === APOLOGY).length ===
        users * presses,
      'the apologies',
      30_000,
    );
  }

  const ERRORS: Texts = {
    [RU]: "⚠️ Тревога: обработчики бота завершились ошибкой 20 раз или больше за 5 мин. Последняя ошибка: Call to 'editMessageText' failed! (400: Bad Request: MESSAGE_ID_INVALID)",
    [EN]: "⚠️ Alert: the bot's handlers failed 20 times or more in 5 min. The latest error: Call to 'editMessageText' failed! (400: Bad Request: MESSAGE_ID_INVALID)",
    [UZ]: "⚠️ Ogohlantirish: bot ishlovchilari 5 daqiqada 20 va undan ko'p marta xato bilan tugadi. Oxirgi xato: Call to 'editMessageText' failed! (400: Bad Request: MESSAGE_ID_INVALID)",
  };

  it('tells every admin once when handlers fail 20 times in 5 minutes', async () => {
    const mark = world.emu.mark();
    await storm(5, 5);
    await expectAlerts(mark, ERRORS);
    // The storm goes on; the alert stays quiet (checked with the next alert, below).
    await storm(2, 5);
  });

  const jobFailed = (id: number | '…'): Texts => ({
    [RU]: like(
      `⚠️ Тревога: обработка «Broken» (#${id}) окончательно не удалась: …. Пользователи получат исходный файл. О других сбоях в течение часа сообщений не будет.`,
    ),
    [EN]: like(
      `⚠️ Alert: processing «Broken» (#${id}) failed for good: …. Users get the original file. Other failures within the hour are not announced.`,
    ),
    [UZ]: like(
      `⚠️ Ogohlantirish: «Broken» (#${id}) ni qayta ishlab bo'lmadi: …. Foydalanuvchilar asl faylni oladi. Bir soat ichidagi boshqa xatolar haqida xabar berilmaydi.`,
    ),
  });

  /** A file whose processing job fails for good (getFile refused): resolves with its id. */
  async function failingJob(title: string): Promise<number> {
    // A 4xx refusal is final: no retry helps. No uploader: the admins hear of it all the same.
    world.emu.fail('getFile', { error_code: 400, description: 'Bad Request: invalid file_id' });
    const file = await addTestFile(world.emu, db, { title, processed: false });
    await enqueueJob(db, file.id, null);
    return file.id;
  }

  it('tells every admin once when a processing job fails for good', async () => {
    const mark = world.emu.mark();
    const id = await failingJob('Broken');
    const [alert] = await expectAlerts(mark, jobFailed(id));
    assert.match(String(alert?.params.text), /invalid file_id/);
    assertSentOnce(ERRORS);
    // Another job fails: within the hour, no alert (checked with the next alert, below).
    const next = await failingJob('Broken');
    await eventually(
      async () =>
        (
          await db
            .selectFrom('processing_jobs')
            .select('status')
            .where('file_id', '=', next)
            .executeTakeFirst()
        )?.status === 'failed',
      'the second job to fail',
    );
  });

  /** The admin broadcasts; `failures` of its messages are refused. Resolves with its figures. */
  async function broadcastWithFailures(failures: number) {
    const { emu } = world;
    const mark = emu.mark();
    const confirm = await world.ask(en, '/broadcast New lessons', /^📣 This message will go to/);
    const total = Number(/go to ([\d,]+) users/.exec(String(confirm.params.text))?.[1]);
    const data = (confirm.params.reply_markup as Keyboard).inline_keyboard[0]?.[0]?.callback_data;
    if (!data?.startsWith('bc-send:')) assert.fail('no Send button');
    // From the press on, the broadcast's messages are the only sendMessage calls.
    emu.fail(
      'sendMessage',
      { error_code: 400, description: 'Bad Request: PEER_ID_INVALID' },
      failures,
    );
    press(en, confirm, data);
    const id = Number(data.split(':')[1]);
    await report(world, id, mark);
    return { id, total };
  }

  it('tells every admin once when a broadcast ends with more than 5 % failures', async () => {
    const { emu } = world;
    // 40 more learners: one failure in about 60 messages is under 5 %, three are over.
    const learners = Array.from({ length: 40 }, () =>
      emu.user({ first_name: 'Learner', started: true }),
    );
    await db
      .insertInto('users')
      .values(learners.map((u) => ({ id: u.id, first_name: 'Learner' })))
      .execute();
    const few = await broadcastWithFailures(1);
    assert.ok(few.total >= 40 && 1 / few.total <= 0.05, `${few.total}`);
    const mark = emu.mark();
    const many = await broadcastWithFailures(3);
    const percent = Math.round((3 / many.total) * 100);
    const texts: Texts = {
      [RU]: `⚠️ Тревога: рассылка #${many.id} завершена, не доставлено 3 из ${many.total} сообщений (${percent} %).`,
      [EN]: `⚠️ Alert: broadcast #${many.id} finished with 3 of ${many.total} messages failed (${percent} %).`,
      [UZ]: `⚠️ Ogohlantirish: xabarnoma #${many.id} tugadi, jami ${many.total} ta xabardan 3 tasi yetkazilmadi (${percent} %).`,
    };
    await expectAlerts(mark, texts);
    // Sent once per broadcast; none for the one under 5 %; no second job alert came first.
    assertSentOnce(texts);
    assertSentOnce(jobFailed('…'));
    const aboutFew = emu.calls.filter(
      (c) => c.method === 'sendMessage' && String(c.params.text).includes(`#${few.id} `),
    );
    assert.deepEqual(aboutFew, []);
  });

  const DOWN: Texts = {
    [RU]: '⚠️ Тревога: бот не может связаться с Telegram дольше 12 с и не получает сообщений. Когда связь вернётся, придёт сообщение.',
    [EN]: '⚠️ Alert: the bot has not reached Telegram for more than 12 s, so it receives no messages. You will hear when it is back.',
    [UZ]: "⚠️ Ogohlantirish: bot kamida 12 soniya davomida Telegram bilan bog'lana olmadi va xabarlarni qabul qilmayapti. Aloqa tiklanganda xabar beraman.",
  };
  const BACK: Texts = {
    [RU]: like('✅ Связь бота с Telegram восстановлена; её не было … с.'),
    [EN]: like('✅ The bot reaches Telegram again, after … s without contact.'),
    [UZ]: like("✅ Bot yana Telegram bilan bog'landi; aloqa … soniya davomida yo'q edi."),
  };

  /** Waits for "back" after an outage that began at `mark`; resolves with its seconds. */
  async function back(mark: number): Promise<number> {
    const [, english] = await expectAlerts(mark, BACK);
    return Number(/after (\d+) s/.exec(String(english?.params.text))?.[1]);
  }

  it('tells every admin once when Telegram is out of reach for 12 s, and again when it is back', async () => {
    const { emu } = world;
    const mark = emu.mark();
    // Every getUpdates now waits 20 s for its answer: the bot hears nothing for longer than
    // 12 s, while its sendMessage still works (reachability as one process sees it).
    emu.latency(20_000, 'getUpdates');
    await expectAlerts(mark, DOWN);
    emu.latency(0, 'getUpdates');
    // The poll under way still takes its 20 s: the alert is checked 16 more times meanwhile.
    const seconds = await back(mark);
    // Cut off from that poll's start to its answer.
    assert.ok(seconds >= 18 && seconds <= 30, `${seconds}`);
    assertSentOnce(DOWN);
    assertSentOnce(ERRORS);
  });

  it('gives the alert up when sending is cut off too, and says how long it lasted once back', async () => {
    const { emu } = world;
    const mark = emu.mark();
    const raised = () =>
      world.bot.output.filter((line) => /"alert":"alert-telegram-down".*"msg":"alert"/.test(line));
    const before = raised().length;
    emu.latency(20_000, 'getUpdates');
    // Each admin's alert goes unanswered until the client's timeout (15 s); a send that may
    // have arrived is never repeated, so each is tried once and given up.
    emu.hang('sendMessage', ADMINS.length);
    // The bot logs each alert as it raises it: then one poll of 20 s is under way.
    await eventually(() => raised().length > before, 'the alert raised', 30_000);
    emu.latency(0, 'getUpdates');
    const seconds = await back(mark);
    assert.ok(seconds >= 18 && seconds <= 30, `${seconds}`);
    const tries = emu.calls
      .slice(mark)
      .filter(
        (c) => c.method === 'sendMessage' && c.params.text === DOWN[Number(c.params.chat_id)],
      );
    assert.equal(tries.length, ADMINS.length);
    assert.ok(tries.every((c) => c.aborted));
    assert.equal(raised().length, before + 1);
  });
});
