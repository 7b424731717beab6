import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { canProcess, fileLimits, MB, transferTimeoutMs } from '../../../src/library/limits.js';
import { createPool, ProcessFileError, type ProcessingPool } from '../../../src/library/pool.js';
import {
  type ProcessableFile,
  type ProcessingDeps,
  processFile,
  retryDelay,
} from '../../../src/library/processing.js';
import { DEFAULT_THUMBNAIL_PATH } from '../../../src/library/thumbnail.js';
import { Emulator } from '../../emulator/index.js';

const NAME = 'Grammar Basics - PrimeLingoBot.pdf';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function sha256OfZeros(size: number): Promise<string> {
  const hash = createHash('sha256');
  const zeros = Buffer.alloc(MB);
  for (let left = size; left > 0; left -= MB) hash.update(zeros.subarray(0, Math.min(MB, left)));
  return hash.digest('hex');
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('limits', () => {
  it('are 20 MB down and 50 MB up on the public API', () => {
    assert.deepEqual(fileLimits(false), { downloadBytes: 20 * MB, uploadBytes: 50 * MB });
    assert.deepEqual(fileLimits(true), { downloadBytes: Infinity, uploadBytes: 2000 * MB });
  });

  it('tell which limit a file is over', () => {
    assert.deepEqual(canProcess(20 * MB, false), { ok: true });
    assert.deepEqual(canProcess(20 * MB + 1, false), {
      ok: false,
      reason: 'download',
      limitBytes: 20 * MB,
      size: 20 * MB + 1,
    });
    assert.deepEqual(canProcess(1500 * MB, true), { ok: true });
    assert.deepEqual(canProcess(2001 * MB, true), {
      ok: false,
      reason: 'upload',
      limitBytes: 2000 * MB,
      size: 2001 * MB,
    });
    assert.deepEqual(canProcess(undefined, false), { ok: true }, 'unknown sizes are tried');
  });

  it('give a transfer its base time plus its bytes at 1 MB a second', () => {
    assert.equal(transferTimeoutMs(60_000, 0), 60_000);
    assert.equal(transferTimeoutMs(60_000, 20 * MB), 80_000);
    assert.equal(transferTimeoutMs(60_000, 2000 * MB), 2_060_000, 'a 2 GB upload: 34 minutes');
  });
});

describe('retryDelay', () => {
  const policy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };
  const api = (errorCode: number, retryAfter?: number) =>
    ({ kind: 'api', method: 'sendDocument', errorCode, description: '', retryAfter }) as const;

  it('backs off on 5xx and network errors, waits retry_after on 429, gives up on 4xx', () => {
    assert.equal(retryDelay(api(502), 1, policy), 1000);
    assert.equal(retryDelay(api(500), 3, policy), 4000);
    assert.equal(retryDelay({ kind: 'network', message: 'reset' }, 2, policy), 2000);
    assert.equal(retryDelay(api(429, 7), 1, policy), 7000);
    assert.equal(retryDelay(api(429, 600), 1, policy), undefined, 'left to the caller');
    assert.equal(retryDelay(api(400), 1, policy), undefined);
    assert.equal(retryDelay(api(403), 1, policy), undefined);
    assert.equal(retryDelay({ kind: 'aborted', message: '' }, 1, policy), undefined);
    assert.equal(retryDelay({ kind: 'invalid', message: '' }, 1, policy), undefined);
    assert.equal(retryDelay({ kind: 'busy', message: '' }, 1, policy), 1000);
  });
});

describe('processFile through the pool and the emulator', () => {
  let pool: ProcessingPool;
  let emu: Emulator;
  let tempDir: string;
  let chatId: number;

  before(() => {
    pool = createPool({ maxThreads: 2 });
  });
  after(async () => {
    await pool.close();
  });
  beforeEach(async () => {
    // Uploads to one storage chat, back to back: the flood limits are not what this tests.
    emu = await Emulator.start({ perChatRate: null });
    tempDir = await mkdtemp(join(tmpdir(), 'processing-test-'));
    chatId = emu.user({ started: true }).id;
  });
  afterEach(async () => {
    await emu.stop();
    await rm(tempDir, { recursive: true, force: true });
  });

  const deps = (overrides: Partial<ProcessingDeps> = {}): ProcessingDeps => ({
    pool,
    apiRoot: emu.apiRoot,
    token: emu.token,
    localBotApi: false,
    chatId,
    thumbnailPath: DEFAULT_THUMBNAIL_PATH,
    tempDir,
    titleSuffix: ' - PrimeLingoBot',
    fileTimeoutMs: 10_000,
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
    ...overrides,
  });

  const libraryFile = (bytes: Buffer, fileName = 'grammar (1).pdf'): ProcessableFile => {
    const created = emu.createFile({ kind: 'document', fileName, content: bytes });
    return {
      file_id: created.file_id,
      type: 'document',
      title: 'Grammar Basics - PrimeLingoBot',
      file_name: fileName,
      mime_type: 'application/pdf',
      size: created.file_size ?? 0,
    };
  };

  it('re-uploads a file under its exact new name, same bytes, with a valid thumbnail', async () => {
    const bytes = randomBytes(300_000);
    const result = await processFile(deps(), libraryFile(bytes));
    assert.ok('processed' in result);
    assert.equal(result.fileName, NAME);
    assert.equal(result.processed.kind, 'document');

    const info = emu.fileInfo(result.processed.fileId);
    assert.ok(info);
    assert.equal(info.file_name, NAME);
    assert.equal(info.sha256, sha256(bytes));
    assert.equal(info.file_size, bytes.length);
    assert.ok(info.thumbnail?.used, 'sent with the file');
    assert.ok(info.thumbnail.isJpeg);
    assert.ok(info.thumbnail.width <= 320 && info.thumbnail.height <= 320);
    assert.ok(info.thumbnail.size < 200 * 1000);
    assert.ok(info.thumbnail.valid);
    assert.equal(result.processed.thumbnailFileId, info.thumbnailFile?.file_id);

    const call = await emu.waitForCall('sendDocument');
    assert.equal(String(call.params.disable_notification), 'true');
    assert.deepEqual(await readdir(tempDir), [], 'temporary files removed');
  });

  it('names the copy so that the server keeps the name: ʼ, the suffix, a short stem', async () => {
    const file = libraryFile(randomBytes(1000), 'kurs.pdf');
    const title = "O'zbek tili: to'liq kurs, boshlang'ichlar va o'rta daraja uchun - PrimeLingoBot";
    const result = await processFile(deps(), { ...file, title });
    assert.ok('processed' in result);
    assert.equal(
      result.fileName,
      'Oʼzbek tili toʼliq kurs, boshlangʼichlar va - PrimeLingoBot.pdf',
    );
    assert.equal(emu.fileInfo(result.processed.fileId)?.file_name, result.fileName);
  });

  it('removes its temporary file when the upload fails, and does not retry a 400', async () => {
    emu.fail('sendDocument', { error_code: 400, description: 'Bad Request: chat not found' });
    const error = await processFile(deps(), libraryFile(randomBytes(100_000))).then(
      () => assert.fail('should have failed'),
      (error: unknown) => error,
    );
    assert.ok(error instanceof ProcessFileError);
    assert.deepEqual(error.failure, {
      kind: 'api',
      method: 'sendDocument',
      errorCode: 400,
      description: 'Bad Request: chat not found',
      retryAfter: undefined,
    });
    assert.equal(emu.calls.filter((call) => call.method === 'sendDocument').length, 1);
    assert.deepEqual(await readdir(tempDir), []);
  });

  it('retries a 5xx and a 429, then succeeds', async () => {
    emu.fail('sendDocument', { error_code: 502, description: 'Bad Gateway' });
    emu.fail('getFile', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const result = await processFile(
      deps({ retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 1000 } }),
      libraryFile(randomBytes(10_000)),
    );
    assert.ok('processed' in result);
    const getFiles = emu.calls.filter((call) => call.method === 'getFile');
    assert.ok(getFiles[1] && getFiles[0] && getFiles[1].at - getFiles[0].at >= 900, 'waited');
    const sends = emu.calls.filter((call) => call.method === 'sendDocument');
    assert.deepEqual(
      sends.map((call) => call.ok),
      [false, true],
    );
    assert.deepEqual(await readdir(tempDir), []);
  });

  it('serves a file over the public limits as the original, without touching it', async () => {
    const big = emu.createFile({ kind: 'document', fileName: 'big.pdf', size: 25 * MB });
    const file: ProcessableFile = {
      file_id: big.file_id,
      type: 'document',
      title: 'Big - PrimeLingoBot',
      file_name: 'big.pdf',
      mime_type: null,
      size: big.file_size ?? 0,
    };
    assert.deepEqual(await processFile(deps(), file), {
      served: 'original',
      reason: 'download',
      limitBytes: 20 * MB,
      size: 25 * MB,
    });
    assert.equal(emu.calls.length, 0, 'no Bot API call');
  });

  it('learns from getFile that a file of unknown size is too big', async () => {
    const big = emu.createFile({ kind: 'video', fileName: 'talk.mp4', size: 21 * MB });
    const result = await processFile(deps(), {
      file_id: big.file_id,
      type: 'video',
      title: 'Talk - PrimeLingoBot',
      file_name: null,
      mime_type: null,
      size: 0,
    });
    assert.deepEqual(result, {
      served: 'original',
      reason: 'download',
      limitBytes: 20 * MB,
      size: undefined,
    });
    assert.equal(emu.calls.filter((call) => call.method === 'getFile').length, 1, 'no retry');
    assert.deepEqual(await readdir(tempDir), []);
  });

  it('processes a file over the public limits in local mode, reading it in place', async () => {
    await emu.stop();
    // As above: uploads to one chat, back to back.
    emu = await Emulator.start({ perChatRate: null, localMode: true });
    chatId = emu.user({ started: true }).id;
    const size = 60 * MB;
    const big = emu.createFile({ kind: 'video', fileName: 'lecture.mp4', size });
    const progress: string[] = [];
    const result = await processFile(
      deps({ localBotApi: true }),
      {
        file_id: big.file_id,
        type: 'video',
        title: 'Lecture - PrimeLingoBot',
        file_name: null,
        mime_type: null,
        size,
      },
      { onProgress: (event) => progress.push(`${event.phase}:${event.bytes}`) },
    );
    assert.ok('processed' in result);
    const info = emu.fileInfo(result.processed.fileId);
    assert.equal(info?.file_name, 'Lecture - PrimeLingoBot.mp4');
    assert.equal(info?.file_size, size);
    assert.equal(info?.sha256, await sha256OfZeros(size));
    assert.ok(info?.thumbnail?.valid);
    assert.equal(progress.at(-1), `upload:${size}`);
    assert.ok(!progress.some((line) => line.startsWith('download')), 'no download');
    assert.deepEqual(await readdir(tempDir), []);
  });

  it('keeps the token out of every error message', async () => {
    emu.fail('sendDocument', {
      error_code: 400,
      description: `Bad Request: wrong token ${emu.token} in ${encodeURIComponent(emu.token)}`,
    });
    const refused = await processFile(deps(), libraryFile(randomBytes(1000))).catch(
      (error: unknown) => error,
    );
    // Nothing listens on port 9: fetch fails with the token in the URL it could not reach.
    const unreachable = await processFile(
      deps({ apiRoot: 'http://127.0.0.1:9', retry: { attempts: 1 } }),
      libraryFile(randomBytes(1000)),
    ).catch((error: unknown) => error);

    assert.ok(refused instanceof ProcessFileError);
    assert.ok(unreachable instanceof ProcessFileError);
    assert.equal(unreachable.failure.kind, 'network');
    for (const error of [refused, unreachable]) {
      const text = `${error.message}\n${error.stack}\n${JSON.stringify(error.failure)}`;
      assert.ok(!text.includes(emu.token), text);
      assert.ok(!text.includes(encodeURIComponent(emu.token)), text);
    }
    assert.match(refused.message, /\[redacted\]/);
  });

  it('refuses at once, without retrying, when the thumbnail is missing', async () => {
    const error = await processFile(
      deps({ thumbnailPath: join(tempDir, 'gone.jpg') }),
      libraryFile(randomBytes(1000)),
    ).catch((error: unknown) => error);
    assert.ok(error instanceof ProcessFileError);
    assert.equal(error.failure.kind, 'invalid');
    assert.equal(emu.calls.length, 0);
  });

  it('re-sends audio with sendAudio and an .mp3 name from the MIME type', async () => {
    const bytes = randomBytes(40_000);
    const created = emu.createFile({ kind: 'audio', fileName: 'track', content: bytes });
    const result = await processFile(deps(), {
      file_id: created.file_id,
      type: 'audio',
      title: 'Dialogue 3 - PrimeLingoBot',
      file_name: 'track',
      mime_type: 'audio/mpeg',
      size: bytes.length,
    });
    assert.ok('processed' in result);
    assert.equal(result.processed.kind, 'audio');
    const call = await emu.waitForCall('sendAudio');
    assert.equal(call.result?.audio?.file_name, 'Dialogue 3 - PrimeLingoBot.mp3');
    assert.ok(emu.fileInfo(result.processed.fileId)?.thumbnail?.valid);
  });

  it('gives up an attempt after its timeout and cleans up', async () => {
    emu.latency(5000, 'sendDocument');
    const started = Date.now();
    const error = await processFile(
      deps({ fileTimeoutMs: 300, retry: { attempts: 1 } }),
      libraryFile(randomBytes(50_000)),
    ).catch((error: unknown) => error);
    assert.ok(error instanceof ProcessFileError);
    assert.equal(error.failure.kind, 'timeout');
    assert.equal(
      error.message,
      'processing took longer than 396 ms',
      '300 ms + 2 x 50 kB at 1 MB/s',
    );
    assert.ok(Date.now() - started < 4000);
    assert.deepEqual(await readdir(tempDir), []);
  });

  it('gives up on a stalled download (the server accepts and never answers)', async () => {
    const file = libraryFile(randomBytes(1000));
    emu.outage(true);
    const error = await processFile(
      deps({ fileTimeoutMs: 300, retry: { attempts: 1 } }),
      file,
    ).catch((error: unknown) => error);
    emu.outage(false);
    assert.ok(error instanceof ProcessFileError);
    assert.equal(error.failure.kind, 'timeout');
    assert.deepEqual(await readdir(tempDir), []);
    const result = await processFile(deps({ fileTimeoutMs: 300 }), file);
    assert.ok('processed' in result, 'the next attempt works once the server answers');
  });

  it('streams a multi-megabyte download through a temp file and uploads the same bytes', async () => {
    const bytes = randomBytes(2 * MB + 123);
    const file = libraryFile(bytes, 'reader.epub');
    const result = await processFile(deps(), { ...file, title: 'Reader - PrimeLingoBot' });
    assert.ok('processed' in result);
    const info = emu.fileInfo(result.processed.fileId);
    assert.equal(info?.file_name, 'Reader - PrimeLingoBot.epub');
    assert.equal(info && (await sha256OfFile(info.path)), sha256(bytes));
  });
});
