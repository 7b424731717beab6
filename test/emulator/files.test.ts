import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Bot, GrammyError, InputFile, InputMediaBuilder } from 'grammy';
import type { Message } from 'grammy/types';
import { callJson, fakeJpeg } from './helpers.js';
import { Emulator } from './index.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const NAME = 'Grammar Basics - PrimeLingoBot.pdf';

describe('emulator files', () => {
  let emu: Emulator;
  let bot: Bot;
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emu-files-'));
    // Many sends to one chat: the flood limits have their own tests (limits.test.ts).
    emu = await Emulator.start({ perChatRate: null, uploadLimitBytes: 256 * 1024, filesDir: dir });
    bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
  });
  afterEach(async () => {
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the exact name and bytes of a grammY InputFile upload with spaces', async () => {
    const user = emu.user({ started: true });
    const bytes = randomBytes(150_000);
    const sent = await bot.api.sendDocument(user.id, new InputFile(bytes, NAME), {
      caption: 'Lesson 1',
    });
    const document = sent.document;
    assert.ok(document);
    assert.equal(document.file_name, NAME);
    assert.equal(document.mime_type, 'application/pdf');
    assert.equal(document.file_size, bytes.length);
    assert.equal(sent.caption, 'Lesson 1');

    const call = emu.calls.find((c) => c.method === 'sendDocument');
    const upload = call?.params.document as { fileName: string; sha256: string; size: number };
    assert.equal(upload.fileName, NAME);
    assert.equal(upload.sha256, sha256(bytes));
    assert.equal(upload.size, bytes.length);

    const info = emu.fileInfo(document.file_id);
    assert.ok(info);
    assert.equal(info.file_name, NAME);
    assert.equal(sha256(await readFile(info.path)), sha256(bytes));
  });

  it('reads quoted and non-ASCII names as the server does, and gives equal bytes the same file_unique_id', async () => {
    const user = emu.user({ started: true });
    const bytes = Buffer.from('same bytes');
    // Written by hand: a quoted name with escaped quotes, split over many small chunks.
    const boundary = 'xYz';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n${user.id}`,
      ),
      Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="document"; `),
      Buffer.from(
        'filename="Darslik \\"1\\" – Грамматика.txt"\r\nContent-Type: text/plain\r\n\r\n',
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await fetch(`${emu.apiRoot}/bot${emu.token}/sendDocument`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Readable.from(
        Array.from({ length: Math.ceil(body.length / 7) }, (_, i) =>
          body.subarray(i * 7, i * 7 + 7),
        ),
      ),
      duplex: 'half',
    } as RequestInit);
    const answer = (await res.json()) as {
      result: { document: { file_name: string; file_unique_id: string; mime_type: string } };
    };
    // No escapes in the header, so the backslashes stay, and the server's cleaning reads
    // them as directory separators: only `" – Грамматика.txt` counts, then `"` and `–` go.
    assert.equal(answer.result.document.file_name, 'Грамматика.txt');
    assert.equal(answer.result.document.mime_type, 'text/plain');
    const again = await bot.api.sendDocument(user.id, new InputFile(bytes, 'other.txt'));
    assert.equal(again.document?.file_unique_id, answer.result.document.file_unique_id);
  });

  it('answers sendAudio and sendVideo with a document for formats they cannot play', async () => {
    const user = emu.user({ started: true });
    const upload = (name: string) => new InputFile(randomBytes(100), name);
    const mp3 = await bot.api.sendAudio(user.id, upload('a.mp3'));
    const m4a = await bot.api.sendAudio(user.id, upload('b.m4a'));
    const ogg: Message = await bot.api.sendAudio(user.id, upload('c.ogg'));
    const mp4 = await bot.api.sendVideo(user.id, upload('d.mp4'));
    const mkv: Message = await bot.api.sendVideo(user.id, upload('e.mkv'));
    assert.ok(mp3.audio && m4a.audio && mp4.video, 'playable formats keep their kind');
    assert.equal(ogg.audio, undefined);
    assert.equal(ogg.document?.file_name, 'c.ogg');
    assert.equal(mkv.video, undefined);
    assert.equal(mkv.document?.mime_type, 'video/x-matroska');
    // The copy is a document from now on: only sendDocument takes its file_id.
    const oggId = ogg.document?.file_id ?? '';
    const refused = await bot.api.sendAudio(user.id, oggId).catch((error: unknown) => error);
    assert.ok(refused instanceof GrammyError);
    assert.equal(refused.description, 'Bad Request: type of file mismatch');
    assert.equal((await bot.api.sendDocument(user.id, oggId)).document?.file_id, oggId);
  });

  it('cleans uploaded names as the server does: the message and getFile show the clean one', async () => {
    const user = emu.user({ started: true });
    const long = `${'Lesson '.repeat(10)}- PrimeLingoBot.pdf`;
    const sent = await bot.api.sendDocument(user.id, new InputFile(Buffer.from('x'), long));
    const stem = 'Lesson '.repeat(10).slice(0, 64).trimEnd();
    assert.equal(sent.document?.file_name, `${stem}.pdf`);
    assert.equal(emu.fileInfo(sent.document?.file_id ?? '')?.file_name, `${stem}.pdf`);

    const quoted = await bot.api.sendAudio(
      user.id,
      new InputFile(Buffer.from('y'), "to'liq: 1.mp3"),
    );
    assert.equal(quoted.audio?.file_name, 'to liq  1.mp3');
  });

  it('cuts a name from the part header at ";" and decodes its %XX escapes', async () => {
    const user = emu.user({ started: true });
    const boundary = 'b0und';
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n${user.id}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="document"; `,
      'filename=%D0%94%D0%B0%D1%80%D1%81 1;2.pdf\r\n\r\nbytes\r\n',
      `--${boundary}--\r\n`,
    ].join('');
    const res = await fetch(`${emu.apiRoot}/bot${emu.token}/sendDocument`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    const answer = (await res.json()) as { result: { document: { file_name?: string } } };
    assert.equal(answer.result.document.file_name, 'Дарс 1');
  });

  it('reuses a file_id without upload, and refuses unknown or mismatched ids', async () => {
    const user = emu.user({ started: true });
    const file = emu.createFile({ kind: 'audio', fileName: 'song.mp3', size: 300 * 1024 * 1024 });
    const sent = await bot.api.sendAudio(user.id, file.file_id);
    assert.equal(sent.audio?.file_id, file.file_id);
    assert.equal(sent.audio?.file_size, 300 * 1024 * 1024);
    const unknown = await bot.api.sendDocument(user.id, 'nope').catch((err: unknown) => err);
    assert.ok(unknown instanceof GrammyError);
    assert.equal(unknown.description, 'Bad Request: wrong file identifier/HTTP URL specified');
    const mismatch = await callJson(emu, 'sendVideo', { chat_id: user.id, video: file.file_id });
    assert.equal(mismatch.status, 400);
    const info = emu.fileInfo(file.file_id);
    assert.equal((await stat(info?.path ?? '')).size, 300 * 1024 * 1024);
  });

  it('checks thumbnails: valid ones appear on the document, invalid ones are dropped', async () => {
    const user = emu.user({ started: true });
    const valid = await bot.api.sendDocument(user.id, new InputFile(Buffer.from('pdf'), 'a.pdf'), {
      thumbnail: new InputFile(fakeJpeg(320, 180)),
    });
    const check = emu.calls.at(-1)?.params.thumbnail as Record<string, unknown>;
    assert.deepEqual(
      [check.isJpeg, check.width, check.height, check.valid, check.used],
      [true, 320, 180, true, true],
    );
    assert.equal(valid.document?.thumbnail?.width, 320);
    assert.equal(emu.fileInfo(valid.document?.file_id ?? '')?.thumbnail?.valid, true);

    const cases = [
      ['too wide', fakeJpeg(321, 100)],
      ['too heavy', fakeJpeg(100, 100, 200_000)],
      ['not a JPEG', Buffer.from('\x89PNG\r\n\x1a\n not really')],
    ] as const;
    for (const [what, bytes] of cases) {
      const sent = await bot.api.sendDocument(user.id, new InputFile(Buffer.from('x'), 'b.pdf'), {
        thumbnail: new InputFile(bytes),
      });
      const thumb = emu.calls.at(-1)?.params.thumbnail as { valid: boolean; size: number };
      assert.equal(thumb.valid, false, what);
      assert.equal(thumb.size, bytes.length);
      assert.equal(sent.document?.thumbnail, undefined, what);
      assert.equal(emu.fileInfo(sent.document?.file_id ?? '')?.thumbnail?.valid, false);
    }

    // With a reused file_id the thumbnail is ignored, however valid.
    const reused = await bot.api.sendDocument(user.id, valid.document?.file_id ?? '', {
      thumbnail: new InputFile(fakeJpeg(90, 90)),
    });
    const ignored = emu.calls.at(-1)?.params.thumbnail as { valid: boolean; used: boolean };
    assert.deepEqual([ignored.valid, ignored.used], [true, false]);
    assert.equal(reused.document?.thumbnail?.width, 320, 'still the original thumbnail');
  });

  it('answers 413 over the upload limit and removes the partial file', async () => {
    const user = emu.user({ started: true });
    const error = await bot.api
      .sendDocument(user.id, new InputFile(randomBytes(300 * 1024), 'big.bin'))
      .catch((err: unknown) => err);
    assert.ok(error instanceof GrammyError);
    assert.equal(error.error_code, 413);
    assert.equal(error.description, 'Request Entity Too Large');
    assert.deepEqual(readdirSync(join(dir, 'uploads')), []);
    // The connection stays usable.
    assert.equal((await bot.api.getMe()).id, emu.bot.id);
  });

  it('serves getFile paths and streams the bytes; refuses files over 20 MB', async () => {
    const user = emu.user({ started: true });
    const bytes = randomBytes(70_000);
    const sent = await bot.api.sendVideo(user.id, new InputFile(bytes, 'clip.mp4'), {
      duration: 12,
      width: 640,
      height: 360,
    });
    assert.deepEqual(
      [sent.video?.duration, sent.video?.width, sent.video?.mime_type],
      [12, 640, 'video/mp4'],
    );
    const file = await bot.api.getFile(sent.video?.file_id ?? '');
    assert.match(file.file_path ?? '', /^videos\/file_\d+\.mp4$/);
    const res = await fetch(`${emu.apiRoot}/file/bot${emu.token}/${file.file_path}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(bytes.length));
    assert.equal(sha256(Buffer.from(await res.arrayBuffer())), sha256(bytes));
    assert.equal((await fetch(`${emu.apiRoot}/file/bot${emu.token}/videos/none.mp4`)).status, 404);
    assert.equal((await fetch(`${emu.apiRoot}/file/bot1:x/${file.file_path}`)).status, 404);

    const big = emu.createFile({ kind: 'document', size: 21 * 1024 * 1024 });
    const refused = await bot.api.getFile(big.file_id).catch((err: unknown) => err);
    assert.ok(refused instanceof GrammyError);
    assert.equal(refused.description, 'Bad Request: file is too big');
    const unknown = await callJson(emu, 'getFile', { file_id: 'nope' });
    assert.equal(unknown.body.description, 'Bad Request: invalid file_id');
  });

  it('in local mode takes uploads over 50 MB and big downloads (absolute path)', async () => {
    const local = await Emulator.start({ localMode: true });
    try {
      const localBot = new Bot(local.token, { client: { apiRoot: local.apiRoot } });
      const user = local.user({ started: true });
      const chunk = Buffer.alloc(1024 * 1024, 7);
      const size = 51 * chunk.length;
      const stream = Readable.from(
        (function* () {
          for (let i = 0; i < 51; i++) yield chunk;
        })(),
      );
      const sent = await localBot.api.sendVideo(user.id, new InputFile(stream, 'Big lesson.mp4'));
      assert.equal(sent.video?.file_size, size);
      assert.equal(sent.video?.file_name, 'Big lesson.mp4');
      const big = local.createFile({ kind: 'video', size: 100 * 1024 * 1024 });
      const file = await localBot.api.getFile(big.file_id);
      assert.equal(file.file_path, local.fileInfo(big.file_id)?.path);
      assert.ok(existsSync(file.file_path ?? ''));
    } finally {
      await local.stop();
    }
  });

  it('sends media groups with attach:// parts inside the media JSON', async () => {
    const user = emu.user({ started: true });
    const stored = emu.createFile({ kind: 'document', fileName: 'old.pdf', content: 'old' });
    const album: Message[] = await bot.api.sendMediaGroup(user.id, [
      InputMediaBuilder.document(new InputFile(Buffer.from('new'), 'New lesson.pdf'), {
        caption: 'two files',
      }),
      InputMediaBuilder.document(stored.file_id),
    ]);
    assert.equal(album.length, 2);
    assert.equal(album[0]?.document?.file_name, 'New lesson.pdf');
    assert.equal(album[0]?.caption, 'two files');
    assert.equal(album[1]?.document?.file_id, stored.file_id);
    assert.ok(album[0]?.media_group_id && album[0].media_group_id === album[1]?.media_group_id);
    assert.equal(emu.deliveredCount(user.id), 2);
  });

  it('sends photos as PhotoSize arrays and refuses non-images', async () => {
    const user = emu.user({ started: true });
    const sent = await bot.api.sendPhoto(user.id, new InputFile(fakeJpeg(800, 600)), {
      caption: 'pic',
    });
    assert.equal(sent.photo?.length, 1);
    assert.deepEqual([sent.photo?.[0]?.width, sent.photo?.[0]?.height], [800, 600]);
    const bad = await bot.api
      .sendPhoto(user.id, new InputFile(Buffer.from('text'), 'x.jpg'))
      .catch((err: unknown) => err);
    assert.ok(bad instanceof GrammyError);
    assert.equal(bad.description, 'Bad Request: IMAGE_PROCESS_FAILED');
  });

  it('creates user files: sparse by size, or from content, in a message', async () => {
    const user = emu.user({ started: true });
    const update = emu.sendFile(user, {
      kind: 'document',
      fileName: 'Lesson 2.pdf',
      size: 5 * 1024 * 1024,
      caption: 'for you',
    });
    const document = update.message?.document;
    assert.equal(document?.file_name, 'Lesson 2.pdf');
    assert.equal(document?.mime_type, 'application/pdf');
    assert.equal(document?.file_size, 5 * 1024 * 1024);
    assert.equal(update.message?.caption, 'for you');
    const photo = emu.sendFile(user, { kind: 'photo', content: fakeJpeg(64, 48) });
    assert.deepEqual(
      photo.message?.photo?.map((p) => [p.width, p.height]),
      [[64, 48]],
    );
    assert.equal(photo.message?.message_id, (update.message?.message_id ?? 0) + 1);
  });
});
