import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message, User } from 'grammy/types';
import type { Db } from '../../src/db/database.js';
import { deleteFile, findFile } from '../../src/db/files.js';
import { enqueueJob } from '../../src/db/jobs.js';
import type { LibraryFile } from '../../src/db/schema.js';
import type { CallRecord } from '../emulator/index.js';
import { eventually, startWorld, type World } from './harness.js';
import {
  addTestFile,
  buttonsOf,
  dataOf,
  openCard,
  pressAndWait,
  sentMessage,
} from './library-helpers.js';

const ADMIN = 4242;
const MB = 1024 * 1024;
const ENV = { ADMIN_IDS: String(ADMIN) };

describe('file card and download', () => {
  let world: World;
  let db: Db;
  before(async () => {
    world = await startWorld({ env: ENV });
    db = await world.db();
    // Processed copies are uploaded to the chat of the admin who added the file (through
    // the bot, so their chat with it exists).
    world.emu.user({ id: ADMIN, first_name: 'Admin', language_code: 'en', started: true });
  });
  after(() => world.close());

  /** Waits until the file's downloads_count is `count` (it is written just after the send). */
  async function counted(fileId: number, count: number): Promise<void> {
    await eventually(
      async () => (await findFile(db, fileId))?.downloads_count === count,
      `downloads_count ${count}`,
    );
  }

  async function downloadsOf(fileId: number): Promise<number> {
    const rows = await db
      .selectFrom('downloads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('file_id', '=', fileId)
      .executeTakeFirstOrThrow();
    return rows.n;
  }

  /** A file without its processed copy yet, its job queued to start at `runAfter`. */
  async function queuedFile(title: string, runAfter: number): Promise<LibraryFile> {
    const file = await addTestFile(world.emu, db, { title, processed: false, addedBy: ADMIN });
    await enqueueJob(db, file.id, null);
    await db
      .updateTable('processing_jobs')
      .set({ run_after: runAfter })
      .where('file_id', '=', file.id)
      .execute();
    return file;
  }

  /** Opens the card, presses download, resolves with the send of `method` (sendDocument...). */
  async function download(
    user: User,
    file: LibraryFile,
    method = 'sendDocument',
  ): Promise<{ card: Message; sent: CallRecord; mark: number }> {
    const { emu } = world;
    const card = sentMessage(await openCard(emu, user, file.id));
    const mark = emu.mark();
    const sent = await pressAndWait(emu, user, card, dataOf(card, /⬇️/), method, {
      timeoutMs: 15_000,
    });
    return { card, sent, mark };
  }

  it("opens a card from a deep link, in the user's language", async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, {
      title: 'Ingliz tili: A1 darslik',
      tags: ['a1', 'grammar'],
      size: Math.round(1.5 * MB),
    });
    const labels: Record<string, string> = {
      uz: '⬇️ Yuklab olish',
      ru: '⬇️ Скачать',
      en: '⬇️ Download',
    };
    const texts: Record<string, string> = {};
    for (const [language, label] of Object.entries(labels)) {
      const user = emu.user({ first_name: 'Deep', language_code: language });
      const card = await openCard(emu, user, file.id);
      assert.deepEqual(
        buttonsOf(card).map((b) => b.text),
        [label],
      );
      texts[language] = String(card.params.text);
    }
    assert.equal(
      texts.uz,
      '📄 Ingliz tili: A1 darslik\n\nTuri: hujjat\nHajmi: 1.5 MB\nTeglar: a1, grammar\nYuklab olishlar: 0',
    );
    assert.equal(
      texts.ru,
      '📄 Ingliz tili: A1 darslik\n\nТип: документ\nРазмер: 1.5 MB\nТеги: a1, grammar\nСкачиваний: 0',
    );
    assert.equal(
      texts.en,
      '📄 Ingliz tili: A1 darslik\n\nType: document\nSize: 1.5 MB\nTags: a1, grammar\nDownloads: 0',
    );
  });

  it('downloads the processed copy, counts it, and tidies the chat', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Present Simple', tags: ['grammar'] });
    const user = emu.user({ first_name: 'Nodira', language_code: 'uz' });
    const { card, sent, mark } = await download(user, file);
    assert.equal(sent.params.document, file.processed_file_id);
    assert.equal(sent.params.protect_content, undefined, 'PROTECT_CONTENT is off by default');
    assert.equal(sent.params.caption, undefined, 'no auto-delete warning by default');

    const calls = emu.calls.slice(mark);
    const notice = calls.find((c) => c.method === 'sendMessage' && c.params.chat_id === user.id);
    assert.equal(notice?.params.text, '⏳ Yuklanmoqda…');
    assert.ok(notice && notice.at <= sent.at, 'the notice comes first');
    const answered = calls.find((c) => c.method === 'answerCallbackQuery');
    assert.ok(answered?.ok);

    // The notice and the card go; the file stays.
    await eventually(() => emu.messages(user.id).length === 1, 'the notice and the card to go');
    const left = emu.messages(user.id);
    assert.equal(left[0]?.document?.file_id, file.processed_file_id);
    assert.ok(!left.some((m) => m.message_id === card.message_id));

    await counted(file.id, 1);
    assert.equal(await downloadsOf(file.id), 1);
    const row = await db
      .selectFrom('downloads')
      .selectAll()
      .where('file_id', '=', file.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.user_id, user.id);
  });

  it('sends audio and video with their own methods', async () => {
    const { emu } = world;
    const song = await addTestFile(emu, db, { title: 'Alphabet song', type: 'audio' });
    const film = await addTestFile(emu, db, { title: 'Cartoon', type: 'video' });
    const user = emu.user({ first_name: 'Media', language_code: 'en' });
    assert.equal(
      (await download(user, song, 'sendAudio')).sent.params.audio,
      song.processed_file_id,
    );
    const other = emu.user({ first_name: 'Media2', language_code: 'en' });
    assert.equal(
      (await download(other, film, 'sendVideo')).sent.params.video,
      film.processed_file_id,
    );
  });

  it('sends the original of a file beyond the Bot API limits', async () => {
    const { emu } = world;
    const big = await addTestFile(emu, db, {
      title: 'Full course recording',
      size: 30 * MB,
      processed: false,
    });
    const user = emu.user({ first_name: 'Big', language_code: 'en' });
    const { sent } = await download(user, big);
    assert.equal(sent.params.document, big.file_id);
    await counted(big.id, 1);
  });

  it('processes a file with no processed copy yet on the fly, and sends the copy', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, {
      title: 'Fresh lesson',
      processed: false,
      addedBy: ADMIN,
    });
    const user = emu.user({ first_name: 'Eager', language_code: 'en' });
    const { sent } = await download(user, file);
    const sentId = String(sent.params.document);
    assert.notEqual(sentId, file.file_id, 'the processed copy, not the original');
    assert.equal(emu.fileInfo(sentId)?.file_name, 'Fresh lesson.pdf');
    assert.equal((await findFile(db, file.id))?.processed_file_id, sentId);
    await counted(file.id, 1);
  });

  it('sends a copy that Telegram kept as a document with sendDocument', async () => {
    const { emu } = world;
    // sendAudio takes MP3 and M4A: the processed copy of an OGG comes back as a document.
    const file = await addTestFile(emu, db, {
      title: 'Ogg dialogue',
      type: 'audio',
      fileName: 'dialogue.ogg',
      processed: false,
      addedBy: ADMIN,
    });
    const user = emu.user({ first_name: 'Listener', language_code: 'en' });
    const { sent } = await download(user, file, 'sendDocument');
    const sentId = String(sent.params.document);
    assert.notEqual(sentId, file.file_id, 'the processed copy, not the original');
    assert.equal(emu.fileInfo(sentId)?.file_name, 'Ogg dialogue.ogg');
    const row = await findFile(db, file.id);
    assert.deepEqual([row?.type, row?.processed_type], ['audio', 'document']);
    assert.equal(row?.processed_file_id, sentId);
    await counted(file.id, 1);
  });

  it("runs a file's queued processing job at once for a download", async () => {
    const { emu } = world;
    // The download must not wait for the queue's turn.
    const file = await queuedFile('Queued lesson', Date.now());
    const user = emu.user({ first_name: 'Keen', language_code: 'en' });
    const { sent } = await download(user, file);
    const sentId = String(sent.params.document);
    assert.notEqual(sentId, file.file_id, 'the processed copy, not the original');
    assert.equal(emu.fileInfo(sentId)?.file_name, 'Queued lesson.pdf');
    await counted(file.id, 1);
  });

  it("sends the original while the file's job waits out a 429, leaving the job to its time", async () => {
    const { emu } = world;
    // Where a 429 with a long retry_after leaves a job: running it now would only earn a
    // longer ban.
    const file = await queuedFile('Rate-limited lesson', Date.now() + 3600_000);
    const user = emu.user({ first_name: 'Patient', language_code: 'en' });
    const { sent, mark } = await download(user, file);
    assert.equal(sent.params.document, file.file_id);
    assert.equal(emu.calls.slice(mark).filter((c) => c.method === 'getFile').length, 0);
    const job = await db
      .selectFrom('processing_jobs')
      .select(['status', 'attempts'])
      .where('file_id', '=', file.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(job, { status: 'queued', attempts: 0 });
    await counted(file.id, 1);
  });

  it('counts concurrent downloads of one file exactly', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Popular lesson' });
    const users = Array.from({ length: 15 }, (_, i) =>
      emu.user({ first_name: `Crowd${i}`, language_code: 'en' }),
    );
    const cards = await Promise.all(users.map((user) => openCard(emu, user, file.id)));
    const mark = emu.mark();
    users.forEach((user, i) => {
      const card = cards[i];
      assert.ok(card);
      emu.pressButton(user, sentMessage(card), dataOf(card, /⬇️/));
    });
    await Promise.all(
      users.map((user) =>
        emu.waitForCall('sendDocument', (c) => c.ok && c.params.chat_id === user.id, {
          after: mark,
          timeoutMs: 15_000,
        }),
      ),
    );
    await counted(file.id, users.length);
    assert.equal(await downloadsOf(file.id), users.length);
  });

  it('sends and counts a double-tapped download once', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Double tap' });
    const user = emu.user({ first_name: 'Quick', language_code: 'en' });
    const card = await openCard(emu, user, file.id);
    const mark = emu.mark();
    emu.pressButton(user, sentMessage(card), dataOf(card, /⬇️/));
    emu.pressButton(user, sentMessage(card), dataOf(card, /⬇️/));
    await emu.waitForCall('answerCallbackQuery', undefined, { after: mark });
    await eventually(
      () => emu.calls.slice(mark).filter((c) => c.method === 'answerCallbackQuery').length === 2,
      'both presses answered',
    );
    await counted(file.id, 1);
    assert.equal(
      emu.calls.slice(mark).filter((c) => c.ok && c.method === 'sendDocument').length,
      1,
    );
    assert.equal(await downloadsOf(file.id), 1);
  });

  it('shares one processing run among concurrent downloads of a file that has none yet', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Fresh upload', processed: false });
    const users = Array.from({ length: 6 }, (_, i) =>
      emu.user({ first_name: `Eager${i}`, language_code: 'en' }),
    );
    const cards = await Promise.all(users.map((user) => openCard(emu, user, file.id)));
    const mark = emu.mark();
    users.forEach((user, i) => {
      const card = cards[i];
      assert.ok(card);
      emu.pressButton(user, sentMessage(card), dataOf(card, /⬇️/));
    });
    const sends = await Promise.all(
      users.map((user) =>
        emu.waitForCall('sendDocument', (c) => c.ok && c.params.chat_id === user.id, {
          after: mark,
          timeoutMs: 20_000,
        }),
      ),
    );
    const processed = await db
      .selectFrom('files')
      .select('processed_file_id')
      .where('id', '=', file.id)
      .executeTakeFirstOrThrow();
    assert.ok(processed.processed_file_id);
    // Every user got the processed copy, made by one upload.
    assert.ok(sends.every((c) => c.params.document === processed.processed_file_id));
    const uploads = emu.calls
      .slice(mark)
      .filter((c) => c.ok && c.method === 'sendDocument' && typeof c.params.document === 'object');
    assert.equal(uploads.length, 1);
  });

  it('still downloads when the press is handled too late to be answered', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Late press' });
    const user = emu.user({ first_name: 'Patient', language_code: 'en' });
    const card = sentMessage(await openCard(emu, user, file.id));
    // The bot is down when the user presses, and comes back after the query's lifetime.
    const mark = emu.mark();
    let press: ReturnType<typeof emu.pressButton> | undefined;
    await world.restart(() => {
      press = emu.pressButton(user, card, dataOf(card, /⬇️/));
      emu.advanceClock(60_000);
    });
    const answer = await emu.waitForCall(
      'answerCallbackQuery',
      (c) => c.params.callback_query_id === press?.callback_query?.id,
      { after: mark, timeoutMs: 15_000 },
    );
    assert.match(String(answer.error?.description), /query is too old/);
    const sent = await emu.waitForCall(
      'sendDocument',
      (c) => c.ok && c.params.chat_id === user.id,
      { after: mark, timeoutMs: 15_000 },
    );
    assert.equal(sent.params.document, file.processed_file_id);
    await counted(file.id, 1);
  });

  it('lets the user press again after a download that failed', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Second try' });
    const user = emu.user({ first_name: 'Persistent', language_code: 'en' });
    const card = sentMessage(await openCard(emu, user, file.id));
    emu.fail('sendDocument', {
      error_code: 400,
      description: 'Bad Request: wrong file identifier/HTTP URL specified',
    });
    await pressAndWait(emu, user, card, dataOf(card, /⬇️/), 'sendMessage', {
      expected: 'Sorry, something went wrong on our side. Please try again in a moment.',
      timeoutMs: 15_000,
    });
    const sent = await pressAndWait(emu, user, card, dataOf(card, /⬇️/), 'sendDocument', {
      timeoutMs: 15_000,
    });
    assert.equal(sent.params.document, file.processed_file_id);
    await counted(file.id, 1);
  });

  it('opens and downloads a file whose title and tags are longer than a message can hold', async () => {
    const { emu } = world;
    const tags = Array.from({ length: 1500 }, (_, n) => `tag${n}`);
    const title = `Huge ${'title '.repeat(1000)}`;
    const file = await addTestFile(emu, db, { title, tags });
    const user = emu.user({ first_name: 'Curious', language_code: 'en' });
    const call = await openCard(emu, user, file.id);
    assert.ok(call.ok, call.error?.description);
    const text = String(call.params.text);
    assert.ok(text.length <= 4096, `${text.length} characters`);
    assert.ok(text.startsWith('📄 Huge title title'));
    assert.match(text, /\nTags: tag0, tag1, tag2, .*…\nDownloads: 0$/);
    const sent = await pressAndWait(
      emu,
      user,
      sentMessage(call),
      dataOf(call, /⬇️/),
      'sendDocument',
    );
    assert.equal(sent.params.document, file.processed_file_id);

    // Found by search, its button opens the same card.
    const results = await world.ask(user, 'huge title', /^🔎 «huge title»: 1 file/);
    await pressAndWait(emu, user, sentMessage(results), dataOf(results, /Huge/), 'sendMessage', {
      expected: text.replace(/Downloads: 0$/, 'Downloads: 1'),
    });
  });

  it('says clearly when a file was deleted', async () => {
    const { emu } = world;
    const file = await addTestFile(emu, db, { title: 'Soon gone' });
    const user = emu.user({ first_name: 'Late', language_code: 'en' });
    const card = sentMessage(await openCard(emu, user, file.id));
    await deleteFile(db, file.id);

    const answer = await pressAndWait(emu, user, card, dataOf(card, /⬇️/), 'answerCallbackQuery');
    assert.equal(answer.params.text, 'This file has been deleted from the library.');
    assert.equal(answer.params.show_alert, true);

    await openCard(emu, user, file.id, 'This file has been deleted from the library.');
    await openCard(
      emu,
      emu.user({ language_code: 'ru' }),
      999_999,
      'Этот файл удалён из библиотеки.',
    );
  });
});
