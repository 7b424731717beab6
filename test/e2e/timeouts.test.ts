import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Update, User } from 'grammy/types';
import { countRecipients } from '../../src/db/broadcasts.js';
import type { Db } from '../../src/db/database.js';
import { findFile } from '../../src/db/files.js';
import { type ApiRequest, apiClient } from './api-client.js';
import {
  delivered,
  type Expected,
  eventually,
  saying,
  sleep,
  startBot,
  startWorld,
  type World,
} from './harness.js';
import { addTestFile, dataOf, shownMessage } from './library-helpers.js';

const ADMIN = 7100;
const PASSWORD = 'a long enough password';
/**
 * The longest a flow takes to give up or recover here: a call safe to repeat (getFile,
 * answerCallbackQuery) is tried 4 times, 1 s each, with 1 + 2 + 4 s between; a stalled poll
 * gives up after its 3 s and 1 s.
 */
const RECOVERY_MS = 40_000;
const SORRY = 'Sorry, something went wrong on our side. Please try again in a moment.';

/**
 * Telegram accepting connections and never answering (the emulator's outage), flow by flow.
 * Every timeout is short here (BOT_API_TIMEOUT_SECONDS=1, FILE_TIMEOUT_SECONDS=1, a 3 s long
 * poll from HEARTBEAT_SECONDS=0.5) so that giving up takes seconds, not minutes.
 *
 * What "tells the user" means when the reply itself cannot go: while the server stalls, the
 * bot's reply and then its apology each time out and nobody hears anything (the tests say so
 * where it happens); the user's next message after the server is back is answered. When only
 * one call stalls, the apology or the flow's own refusal reaches the user at once.
 */
describe('timeouts: Telegram stalls', () => {
  let world: World;
  let db: Db;
  let admin: User;
  let api: ApiRequest;
  const env = {
    APP_ROLE: 'all',
    ADMIN_IDS: String(ADMIN),
    ADMIN_USERNAME: 'root',
    ADMIN_PASSWORD: PASSWORD,
    BOT_API_TIMEOUT_SECONDS: '1',
    FILE_TIMEOUT_SECONDS: '1',
    HEARTBEAT_SECONDS: '0.5',
    SHUTDOWN_TIMEOUT_SECONDS: '4',
    BROADCAST_RATE: '5',
  };
  before(async () => {
    // A process: the last test sends it SIGTERM and reads main.ts's shutdown log.
    world = await startWorld({ process: true, env, emulator: { perChatBurst: 10 } });
    db = await world.db();
    admin = world.emu.user({ id: ADMIN, first_name: 'Admin', language_code: 'en' });
    api = await apiClient(await world.bot.apiUrl(), 'root', PASSWORD);
  });
  // A failed test must not leave the next one in the dark.
  afterEach(() => world.emu.outage(false));
  after(() => world.close());

  /** Sends as the user and waits (longer than ask) for the reply saying `expected`. */
  const answered = (user: User, text: string, expected: Expected) =>
    world.ask(user, text, expected, RECOVERY_MS);

  /** Lines the bot logged so far that match. */
  const logged = (pattern: RegExp) => world.bot.output.filter((line) => pattern.test(line)).length;

  /**
   * Pushes an update, and starts the outage the moment the bot has taken it; resolves once
   * the bot gave up telling the user about the failure (reply and apology timed out).
   */
  async function stallAfterDelivery(push: () => Update): Promise<void> {
    const { emu } = world;
    const gaveUp = logged(/could not tell the user about the error/);
    const mark = emu.mark();
    const update = push();
    await delivered(emu, update, mark);
    emu.outage(true);
    await eventually(
      () => logged(/could not tell the user about the error/) > gaveUp,
      'the bot to give up its reply and its apology',
      RECOVERY_MS,
    );
  }

  const sentTo = (chatId: number, after: number) =>
    world.emu.calls.slice(after).filter((c) => c.ok && c.params.chat_id === chatId);

  it('search: a stalled reply is given up, nobody hears anything, and the next search works', async () => {
    const { emu } = world;
    await addTestFile(emu, db, { title: 'Grammar Basics' });
    const user = emu.user({ first_name: 'Searcher', language_code: 'en' });
    await world.ask(user, '/start', /^Hello, Searcher!/);
    const mark = emu.mark();
    await stallAfterDelivery(() => emu.sendText(user, 'grammar'));
    assert.deepEqual(sentTo(user.id, mark), [], 'neither the results nor the apology got through');
    emu.outage(false);
    await answered(user, 'grammar', /^🔎 «grammar»: 1 file found\./);
  });

  it('search: one stalled reply is given up and the apology tells the user', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Unlucky', language_code: 'en' });
    await world.ask(user, '/start', /^Hello, Unlucky!/);
    emu.hang('sendMessage');
    const started = Date.now();
    await answered(user, 'grammar', SORRY);
    assert.ok(Date.now() - started < 10_000, 'given up after the 1 s call timeout');
    await answered(user, 'grammar', /^🔎 «grammar»: 1 file found\./);
  });

  it('download: a stalled download is given up, not counted, and the next press sends the file', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Listening Drill', type: 'audio' });
    const user = emu.user({ first_name: 'Listener', language_code: 'en' });
    const card = await world.ask(user, `/start f_${file.id}`, /^🎧 Listening Drill/);
    const message = shownMessage(emu, user, card);
    const data = dataOf(card, /Download/);
    await stallAfterDelivery(() => emu.pressButton(user, message, data));
    assert.equal(
      (await findFile(db, file.id))?.downloads_count,
      0,
      'nothing sent, nothing counted',
    );
    emu.outage(false);

    const mark = emu.mark();
    emu.pressButton(user, message, data);
    const sent = await emu.waitForCall('sendAudio', (c) => c.ok && c.params.chat_id === user.id, {
      after: mark,
      timeoutMs: RECOVERY_MS,
    });
    assert.equal(sent.params.audio, file.processed_file_id);
    await eventually(
      async () => (await findFile(db, file.id))?.downloads_count === 1,
      'the download counted once',
    );
  });

  it('upload dialog: a step whose reply stalls is kept, and the dialog goes on after', async () => {
    const { emu } = world;
    await world.ask(admin, '/upload', /^Send the file to add/);
    await stallAfterDelivery(() =>
      emu.sendFile(admin, { kind: 'document', fileName: 'verbs.pdf', content: 'verbs' }),
    );
    emu.outage(false);
    // The step was saved before its reply went out (the reply may have arrived: a kill -9
    // then must not lose it), so the dialog now waits for the title.
    // A processing attempt whose getFile stalls is given up; the next attempt makes the copy.
    emu.hang('getFile');
    await world.ask(admin, 'Irregular Verbs', /^Send tags/);
    const saved = emu.mark();
    await world.ask(admin, '/skip', /^✅ Saved as #/);
    await emu.waitForCall(
      'sendMessage',
      saying(
        ADMIN,
        '✅ «Irregular Verbs - PrimeLingoBot» is processed: users get Irregular Verbs - PrimeLingoBot.pdf with the thumbnail.',
      ),
      { after: saved, timeoutMs: RECOVERY_MS },
    );
    const getFiles = emu.calls.slice(saved).filter((c) => c.method === 'getFile');
    assert.equal(getFiles[0]?.aborted, true, 'the first attempt stalled and was given up');
  });

  it('/set_thumb: a stalled image download is given up and the admin is told', async () => {
    const { emu } = world;
    await world.ask(admin, '/set_thumb', /^Send the picture/);
    const photo = await import('sharp').then(({ default: sharp }) =>
      sharp({ create: { width: 64, height: 48, channels: 3, background: '#36c' } })
        .png()
        .toBuffer(),
    );
    emu.hang('getFile');
    let mark = emu.mark();
    emu.sendFile(admin, { kind: 'photo', content: photo });
    await emu.waitForCall(
      'sendMessage',
      saying(
        ADMIN,
        'The image could not be downloaded from Telegram in time. Send it again, or /cancel.',
      ),
      { after: mark, timeoutMs: RECOVERY_MS },
    );
    mark = emu.mark();
    emu.sendFile(admin, { kind: 'photo', content: photo });
    await emu.waitForCall('sendMessage', saying(ADMIN, /^✅ The new default thumbnail is set/), {
      after: mark,
    });
  });

  it("the admin API's writes answer while Telegram stalls, and their work resumes after", async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Reading One', processed: false });
    const user = emu.user({ first_name: 'Banned', language_code: 'en' });
    await world.ask(user, '/start', /^Hello, Banned!/);
    emu.outage(true);
    const started = Date.now();
    const answers = [
      await api('PATCH', '/api/settings', { protectContent: true }),
      await api('PATCH', `/api/files/${file.id}`, { tags: ['reading'] }),
      await api('POST', `/api/files/${file.id}/reprocess`),
      await api('POST', `/api/users/${user.id}/ban`),
      await api('PATCH', '/api/settings', { protectContent: false }),
    ];
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 202, 200, 200],
    );
    assert.ok(Date.now() - started < 5000, 'no write waited for Telegram');
    // The reprocessing job meets the stalled server: its attempts time out, and it makes the
    // copy once the server answers again (its retries outlast a short outage).
    await eventually(
      () => emu.calls.some((c) => c.method === 'getFile' && c.aborted && c.at >= started),
      'a processing attempt to be given up',
      RECOVERY_MS,
    );
    emu.outage(false);
    await eventually(
      async () => (await findFile(db, file.id))?.processed_file_id ?? false,
      'the processed copy',
      RECOVERY_MS,
    );
  });

  it('broadcast: an outage halts it; only the sends in flight are unknown, the rest go once', async () => {
    const { emu } = world;
    const users = Array.from({ length: 30 }, () =>
      emu.user({ first_name: 'Learner', started: true }),
    );
    await db
      .insertInto('users')
      .values(users.map((u) => ({ id: u.id, first_name: 'Learner' })))
      .execute();
    const mark = emu.mark();
    const created = await api('POST', '/api/broadcasts', { text: 'Outage test' });
    assert.equal(created.status, 201);
    const id = Number(created.body.id);
    const sends = () =>
      emu.calls
        .slice(mark)
        .filter((c) => c.method === 'sendMessage' && c.params.text === 'Outage test');
    await eventually(() => sends().filter((c) => c.ok).length >= 5, 'some sends', RECOVERY_MS);
    emu.outage(true);
    await eventually(
      () => sends().some((c) => c.aborted),
      'a stalled send to be given up',
      RECOVERY_MS,
    );
    // Long enough for every other recipient to be tried (5 a second), had the actor sent on.
    await sleep(6000);
    emu.outage(false);
    await eventually(
      async () =>
        (await db.selectFrom('broadcasts').select('status').where('id', '=', id).executeTakeFirst())
          ?.status === 'done' || undefined,
      'the broadcast to finish',
      60_000,
    );
    const counts = await countRecipients(db, id);
    const recipients = await db
      .selectFrom('broadcast_recipients')
      .select(['user_id', 'status'])
      .where('broadcast_id', '=', id)
      .execute();
    assert.equal(counts.pending, 0);
    assert.ok(
      counts.unknown >= 1 && counts.unknown <= 4,
      `unknown: ${counts.unknown} (4 in flight)`,
    );
    assert.equal(counts.sent + counts.unknown, recipients.length);
    for (const { user_id, status } of recipients) {
      const got = emu.messages(user_id).filter((m) => m.text === 'Outage test').length;
      // A stalled send never reached the emulator's handler: unknown ones got nothing.
      assert.equal(got, status === 'sent' ? 1 : 0, `user ${user_id} (${status})`);
    }
  });

  it('shutdown: SIGTERM while Telegram stalls exits 0 in time; the update comes again after', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Late', language_code: 'en' });
    const mark = emu.mark();
    const update = emu.sendCommand(user, '/help');
    await delivered(emu, update, mark);
    emu.outage(true);
    const code = await world.bot.stop();
    assert.equal(code, 0, world.bot.output.slice(-8).join('\n'));
    // The bot's own account, from its log: the wall clock here would add the process's exit,
    // which takes seconds of its own on a loaded machine.
    const at = (msg: string) => {
      const line = world.bot.output.find((l) => l.includes(`"msg":"${msg}"`));
      return (JSON.parse(line ?? '{}') as { time?: number }).time ?? Number.NaN;
    };
    const took = at('stopped') - at('shutting down');
    assert.ok(took < 4000, `stopped after ${took} ms (SHUTDOWN_TIMEOUT_SECONDS=4)`);
    await world.bot.waitForOutput(/could not confirm the last updates/);
    emu.outage(false);
    world.bot = await startBot(emu, { dataDir: world.bot.dataDir, env });
    await emu.waitForCall('sendMessage', saying(user.id, /^How to use PrimeLingo/), {
      after: mark,
      timeoutMs: RECOVERY_MS,
    });
  });
});
