import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { User } from 'grammy/types';
import sharp from 'sharp';
import { sessionPath } from '../../src/bot/session-storage.js';
import { findFile } from '../../src/db/files.js';
import { type Expected, eventually, saying, startWorld, type World } from './harness.js';

const ADMIN = 9001;
// The dialog's prompts, each awaited by the step that should get it.
const SEND_FILE = /^Send the file to add/;
const SEND_TITLE = /^Now send the title/;
const SEND_TAGS = /^Send tags/;
const SAVED = /^✅ Saved as #/;

let world: World;
let admin: User;

/**
 * Starts the bot with the admin. An admin types each step seconds apart, the test at once: let
 * the chat burst more than Telegram's usual few messages (the 1 a second pace still holds), or
 * the bot would spend the test waiting out 429s.
 */
async function startUploadWorld(options: { process?: boolean } = {}) {
  world = await startWorld({
    env: { ADMIN_IDS: String(ADMIN) },
    emulator: { perChatBurst: 10 },
    ...options,
  });
  admin = world.emu.user({ id: ADMIN, first_name: 'Admin', language_code: 'en' });
}

/** Sends a file as the admin and resolves with the bot's answer, which says `expected`. */
async function sendFile(spec: Parameters<World['emu']['sendFile']>[1], expected: Expected) {
  const { emu } = world;
  const mark = emu.mark();
  emu.sendFile(admin, spec);
  return emu.waitForCall('sendMessage', saying(ADMIN, expected), { after: mark });
}

const text = (call: { params: Record<string, unknown> }) => String(call.params.text);

/**
 * Does `send` and resolves with the admin's answer matching `expected`: earlier tests' job
 * notices may still arrive, so the next message is not necessarily the answer.
 */
const answer = (send: () => unknown, expected: RegExp) => {
  const mark = world.emu.mark();
  send();
  return world.emu.waitForCall(
    'sendMessage',
    (c) => c.ok && c.params.chat_id === ADMIN && expected.test(text(c)),
    { after: mark },
  );
};

/** Waits for the admin's final notice about a job (processed, original or failed). */
const jobNotice = (title: string, after: number) =>
  world.emu.waitForCall(
    'sendMessage',
    (c) =>
      c.ok &&
      c.params.chat_id === ADMIN &&
      // Not the alert a failed job also sends every admin (⚠️ Alert: …).
      /^(✅ «|ℹ️ «|⚠️ Processing «)/.test(text(c)) &&
      text(c).includes(title),
    { after, timeoutMs: 20_000 },
  );

/**
 * Waits for a job to send the processed document titled `title`: by name, as the job of an
 * earlier test may still be sending its own file.
 */
const processedUpload = (title: string, after: number) =>
  world.emu.waitForCall(
    'sendDocument',
    (c) => c.ok && (c.params.document as { fileName: string }).fileName.startsWith(`${title} - `),
    { after, timeoutMs: 20_000 },
  );

describe('upload dialog and processing', () => {
  before(() => startUploadWorld());
  after(() => world.close());

  it('walks the whole dialog, then processes the file with the new name and a thumbnail', async () => {
    const { emu } = world;
    await world.ask(admin, '/upload', SEND_FILE);
    await world.ask(admin, 'hello', /^That is not a file/);
    await sendFile(
      { kind: 'document', fileName: 'setup.exe', content: 'MZ' },
      '«setup.exe» cannot be added: .exe files are not allowed in the library.',
    );

    const pdf = 'PDF bytes of the grammar lesson';
    await sendFile({ kind: 'document', fileName: 'grammar.pdf', content: pdf }, SEND_TITLE);
    await world.ask(admin, 'Grammar Basics', SEND_TAGS);
    const mark = emu.mark();
    const saved = text(await world.ask(admin, 'Grammar, A1 , grammar,english', SAVED));
    const [, id] = /^✅ Saved as #(\d+) «Grammar Basics - PrimeLingoBot»/.exec(saved) ?? [];
    assert.ok(id, saved);
    assert.match(saved, new RegExp(`https://t\\.me/PrimeLingoBot\\?start=f_${id}`));

    const db = await world.db();
    const row = await findFile(db, Number(id));
    assert.equal(row?.tags, 'grammar,a1,english');

    const upload = await processedUpload('Grammar Basics', mark);
    const document = upload.params.document as { fileName: string; sha256: string };
    assert.equal(document.fileName, 'Grammar Basics - PrimeLingoBot.pdf');
    const thumbnail = upload.params.thumbnail as { valid: boolean };
    assert.equal(thumbnail.valid, true);
    const done = await jobNotice('Grammar Basics', mark);
    assert.match(text(done), /users get Grammar Basics - PrimeLingoBot\.pdf with the thumbnail/);
    const processed = await eventually(
      async () => (await findFile(db, Number(id)))?.processed_file_id,
      'processed_file_id',
    );
    assert.equal(emu.fileInfo(processed ?? '')?.sha256, emu.fileInfo(row?.file_id ?? '')?.sha256);
    assert.deepEqual(await readdir(join(world.bot.dataDir, 'tmp')), []);
  });

  it('resumes the dialog after a restart at every step', async () => {
    await world.ask(admin, '/upload', SEND_FILE);
    await world.restart();
    await sendFile(
      { kind: 'audio', fileName: 'lesson 1.mp3', mimeType: 'audio/mpeg', content: 'ID3 audio' },
      SEND_TITLE,
    );
    await world.restart();
    await world.ask(admin, 'Listening 1 - PrimeLingoBot', SEND_TAGS);
    await world.restart();
    const mark = world.emu.mark();
    const saved = text(await world.ask(admin, '/skip', SAVED));
    const [, id] = /^✅ Saved as #(\d+) «Listening 1 - PrimeLingoBot»/.exec(saved) ?? [];
    assert.ok(id, saved);
    await jobNotice('Listening 1', mark);
    const row = await findFile(await world.db(), Number(id));
    assert.equal(row?.type, 'audio');
    assert.equal(row?.tags, '');
  });

  it('cancels at every step', async () => {
    await world.ask(admin, '/upload', SEND_FILE);
    await world.ask(admin, '/cancel', 'Cancelled.');
    await world.ask(admin, '/upload', SEND_FILE);
    await sendFile({ kind: 'video', fileName: 'clip.mp4', content: 'video' }, SEND_TITLE);
    await world.ask(admin, '/cancel', 'Cancelled.');
    await world.ask(admin, '/upload', SEND_FILE);
    await sendFile({ kind: 'video', fileName: 'clip2.mp4', content: 'video 2' }, SEND_TITLE);
    await world.ask(admin, 'Clip', SEND_TAGS);
    await world.ask(admin, '/cancel', 'Cancelled.');
    await world.ask(admin, '/cancel', 'There is nothing to cancel.');
    const db = await world.db();
    assert.equal(
      await db.selectFrom('files').select('id').where('title', 'like', 'Clip%').executeTakeFirst(),
      undefined,
    );
  });

  it('names the existing entry when the same file is uploaded again', async () => {
    const { emu } = world;
    await world.ask(admin, '/upload', SEND_FILE);
    const first = emu.sendFile(admin, {
      kind: 'document',
      fileName: 'words.pdf',
      content: 'vocabulary list',
    });
    await emu.waitForCall('sendMessage', saying(ADMIN, SEND_TITLE), { after: emu.mark() - 1 });
    await world.ask(admin, 'Vocabulary', SEND_TAGS);
    const saved = text(await world.ask(admin, '/skip', SAVED));
    const [, id] = /#(\d+)/.exec(saved) ?? [];

    await world.ask(admin, '/upload', SEND_FILE);
    const fileId = first.message?.document?.file_id;
    assert.ok(fileId);
    await sendFile(
      { fileId, kind: 'document' },
      `This file is already in the library: #${id} «Vocabulary - PrimeLingoBot».`,
    );
  });

  it('serves a file beyond the Bot API limits as the original and says why', async () => {
    const { emu } = world;
    await world.ask(admin, '/upload', SEND_FILE);
    await sendFile({ kind: 'video', fileName: 'lecture.mp4', size: 30 * 1024 * 1024 }, SEND_TITLE);
    await world.ask(admin, 'Long Lecture', SEND_TAGS);
    const mark = emu.mark();
    await world.ask(admin, '/skip', SAVED);
    const notice = await jobNotice('Long Lecture', mark);
    assert.equal(
      text(notice),
      'ℹ️ «Long Lecture - PrimeLingoBot» (30 MB) is over the Bot API download limit of 20 MB, so it is not renamed: users get the original file.',
    );
    assert.equal(emu.calls.slice(mark).filter((c) => c.method === 'sendVideo').length, 0);
  });

  it('/set_thumb makes the next image the default thumbnail', async () => {
    const { emu } = world;
    await world.ask(admin, '/set_thumb', /^Send the picture/);
    await sendFile(
      { kind: 'document', fileName: 'notes.txt', content: 'text' },
      /^That is not an image/,
    );
    const png = await sharp({
      create: { width: 1000, height: 800, channels: 3, background: { r: 200, g: 30, b: 60 } },
    })
      .png()
      .toBuffer();
    await sendFile(
      { kind: 'photo', content: png },
      /^✅ The new default thumbnail is set: 320x256, /,
    );

    await world.ask(admin, '/upload', SEND_FILE);
    await sendFile(
      { kind: 'document', fileName: 'phrases.pdf', content: 'phrasebook' },
      SEND_TITLE,
    );
    await world.ask(admin, 'Phrases', SEND_TAGS);
    const mark = emu.mark();
    await world.ask(admin, '/skip', SAVED);
    const upload = await processedUpload('Phrases', mark);
    await jobNotice('Phrases', mark);
    const { isJpeg, width, height, valid } = upload.params.thumbnail as Record<string, unknown>;
    assert.deepEqual(
      { isJpeg, width, height, valid },
      { isJpeg: true, width: 320, height: 256, valid: true },
    );
  });

  it('/set_thumb refuses an image with too many pixels, and says so', async () => {
    const { emu } = world;
    await answer(() => emu.sendCommand(admin, '/set_thumb'), /^Send the picture/);
    // 100 megapixels: decoding it whole would take hundreds of megabytes.
    const huge = await sharp({
      create: { width: 10_000, height: 10_000, channels: 3, background: '#888' },
    })
      .grayscale()
      .png({ compressionLevel: 1 })
      .toBuffer();
    const refused = await answer(
      () => emu.sendFile(admin, { kind: 'document', fileName: 'huge.png', content: huge }),
      /too big/,
    );
    assert.equal(text(refused), 'That image is too big to use (at most 10 MB and 25 megapixels).');
    assert.equal(text(await answer(() => emu.sendCommand(admin, '/cancel'), /./)), 'Cancelled.');
  });

  it('records a job that fails for good and tells the admin', async () => {
    const { emu } = world;
    await world.ask(admin, '/upload', SEND_FILE);
    await sendFile({ kind: 'document', fileName: 'broken.pdf', content: 'bytes' }, SEND_TITLE);
    await world.ask(admin, 'Broken', SEND_TAGS);
    // A 4xx refusal is final: no retry helps.
    emu.fail('getFile', { error_code: 400, description: 'Bad Request: invalid file_id' });
    const mark = emu.mark();
    const saved = text(await world.ask(admin, '/skip', SAVED));
    const [, id] = /^✅ Saved as #(\d+)/.exec(saved) ?? [];
    assert.ok(id, saved);
    const notice = await jobNotice('Broken', mark);
    assert.match(
      text(notice),
      /^⚠️ Processing «Broken - PrimeLingoBot» failed \(.*invalid file_id.*\)\. Users get the original file\.$/,
    );
    const job = await (await world.db())
      .selectFrom('processing_jobs')
      .select(['status', 'attempts'])
      .where('file_id', '=', Number(id))
      .executeTakeFirstOrThrow();
    assert.deepEqual(job, { status: 'failed', attempts: 1 });
    assert.equal(emu.calls.slice(mark).filter((c) => c.method === 'getFile').length, 1);
  });
});

describe('upload, a crash mid-job', () => {
  // Only the real process can be killed with no shutdown at all.
  before(() => startUploadWorld({ process: true }));
  after(() => world.close());

  it('finishes a job interrupted by a crash after the restart, leaving no temporary file', async () => {
    const { emu } = world;
    await world.ask(admin, '/upload', SEND_FILE);
    await sendFile(
      { kind: 'document', fileName: 'reading.pdf', content: 'a'.repeat(200_000) },
      SEND_TITLE,
    );
    await world.ask(admin, 'Reading', SEND_TAGS);
    // Uploads stall until the crash; the job's rerun after it goes through.
    emu.latency(600_000, 'sendDocument');
    const tmp = join(world.bot.dataDir, 'tmp');
    await world.ask(admin, '/skip', SAVED);
    // The dialog's end is written to the session after the reply: the crash is about the
    // job, so it comes once that write is done (an admin's session without state is removed).
    const session = sessionPath(join(world.bot.dataDir, 'sessions'), String(admin.id));
    await eventually(() => !existsSync(session), 'the finished dialog to be saved');
    // The worker is downloading or uploading the original: kill the bot right there.
    await eventually(async () => (await readdir(tmp)).length > 0, 'a download in progress');
    await world.crash();
    emu.latency(0, 'sendDocument');
    const mark = emu.mark();
    const done = await jobNotice('Reading', mark);
    assert.match(text(done), /^✅ «Reading - PrimeLingoBot» is processed/);
    assert.deepEqual(await readdir(tmp), []);
  });
});
