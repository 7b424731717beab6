import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import sharp from 'sharp';
import {
  createPool,
  type PoolTask,
  ProcessFileError,
  type ProcessingPool,
  type ProgressEvent,
} from '../../../src/library/pool.js';
import { DEFAULT_THUMBNAIL_PATH, ThumbnailError } from '../../../src/library/thumbnail.js';
import { workerPath } from '../../../src/library/worker-files.js';
import type { TelegramImage } from '../../../src/library/worker-messages.js';
import { Emulator } from '../../emulator/index.js';
import { inspectJpeg } from '../../emulator/jpeg.js';
import { inTree } from '../../paths.js';

describe('the processing pool', () => {
  let emu: Emulator;
  let tempDir: string;
  let pool: ProcessingPool | undefined;

  beforeEach(async () => {
    // Uploads to one storage chat, back to back: the flood limits are not what this tests.
    emu = await Emulator.start({ perChatRate: null });
    tempDir = await mkdtemp(join(tmpdir(), 'pool-test-'));
  });
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    await emu.stop();
    await rm(tempDir, { recursive: true, force: true });
  });

  const task = (size = 100_000): PoolTask => {
    const file = emu.createFile({
      kind: 'document',
      fileName: 'a.pdf',
      content: randomBytes(size),
    });
    return {
      apiRoot: emu.apiRoot,
      token: emu.token,
      localBotApi: false,
      fileId: file.file_id,
      kind: 'document',
      fileName: 'Lesson - PrimeLingoBot.pdf',
      thumbnailPath: DEFAULT_THUMBNAIL_PATH,
      chatId: emu.user({ started: true }).id,
      tempDir,
      timeoutMs: 20_000,
    };
  };

  /** An image as an admin sends it to /set_thumb: a Telegram file the worker fetches. */
  const image = (content: Buffer, overrides: Partial<TelegramImage> = {}): TelegramImage => ({
    apiRoot: emu.apiRoot,
    token: emu.token,
    localBotApi: false,
    fileId: emu.createFile({ kind: 'document', fileName: 'picture.png', content }).file_id,
    maxBytes: 10 * 1024 * 1024,
    timeoutMs: 10_000,
    ...overrides,
  });

  // The emulator reads a request's body before it applies latency; cancelling while the
  // body is still on its way works too, but makes the emulator log a spurious error.
  const bodySent = () => new Promise((resolve) => setTimeout(resolve, 300));

  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => assert.fail('should have been refused'),
      (error: unknown) => {
        assert.ok(error instanceof ProcessFileError, String(error));
        return error.failure;
      },
    );

  it('loads its worker files: TypeScript under tsx, JavaScript compiled', async () => {
    for (const name of ['process-file', 'thumbnail'] as const) {
      const path = workerPath(name);
      assert.equal(path, inTree(`workers/${name}.ts`));
      assert.ok(existsSync(path), path);
    }
    pool = createPool({ maxThreads: 1 });
    const png = await sharp({
      create: { width: 1200, height: 900, channels: 3, background: '#0a9' },
    })
      .png()
      .toBuffer();
    const jpeg = await pool.fetchThumbnail(image(png));
    assert.deepEqual(inspectJpeg(jpeg), { isJpeg: true, width: 320, height: 240 });
    assert.deepEqual(inspectJpeg(await pool.makeThumbnail(png)), inspectJpeg(jpeg), 'from bytes');
    await assert.rejects(
      pool.fetchThumbnail(image(Buffer.from('not an image'))),
      (error: unknown) => error instanceof ThumbnailError && error.reason === 'not-an-image',
    );

    const result = await pool.processFile(task());
    assert.equal(emu.fileInfo(result.fileId)?.file_name, 'Lesson - PrimeLingoBot.pdf');
  });

  it('reports progress of both phases, ending at the file size', async () => {
    pool = createPool({ maxThreads: 1 });
    const events: ProgressEvent[] = [];
    await pool.processFile(task(3_000_000), { onProgress: (event) => events.push(event) });
    const last = (phase: string) => events.filter((event) => event.phase === phase).at(-1);
    assert.deepEqual(last('download'), {
      type: 'progress',
      phase: 'download',
      bytes: 3_000_000,
      total: 3_000_000,
    });
    assert.equal(last('upload')?.bytes, 3_000_000);
  });

  it('cancels a running job cooperatively: temp file removed, thread kept', async () => {
    pool = createPool({ maxThreads: 1 });
    emu.latency(30_000, 'sendDocument');
    const controller = new AbortController();
    let uploading: () => void = () => {};
    const upload = new Promise<void>((resolve) => {
      uploading = resolve;
    });
    const job = failureOf(
      pool.processFile(task(), {
        signal: controller.signal,
        onProgress: (event) => event.phase === 'upload' && uploading(),
      }),
    );
    await upload;
    assert.equal((await readdir(tempDir)).length, 1, 'the download sits in a temp file');
    await bodySent();
    const threads = pool.piscina.threads.length;
    controller.abort();
    assert.equal((await job).kind, 'aborted');
    assert.deepEqual(await readdir(tempDir), []);
    assert.equal(pool.piscina.threads.length, threads, 'the thread was not terminated');
  });

  it('drops a queued job when its signal aborts, and refuses jobs beyond maxQueue', async () => {
    pool = createPool({ maxThreads: 1, maxQueue: 1 });
    // A warm, idle thread: the first job runs at once, so exactly one waits in the queue.
    await pool.fetchThumbnail(image(await readFile(DEFAULT_THUMBNAIL_PATH)));
    emu.latency(30_000, 'getFile');
    const first = new AbortController();
    const second = new AbortController();
    let started: () => void = () => {};
    const start = new Promise<void>((resolve) => {
      started = resolve;
    });
    const running = failureOf(
      pool.processFile(task(), { signal: first.signal, onStart: () => started() }),
    );
    let queuedRan = false;
    const queued = failureOf(
      pool.processFile(task(), { signal: second.signal, onStart: () => (queuedRan = true) }),
    );
    const refused = failureOf(pool.processFile(task()));

    assert.equal((await refused).kind, 'busy');
    second.abort();
    assert.equal((await queued).kind, 'aborted');
    await start;
    first.abort();
    assert.equal((await running).kind, 'aborted');
    assert.equal(queuedRan, false, 'the queued job never ran');
    assert.deepEqual(await readdir(tempDir), []);
  });

  it('close() cancels running jobs and cleans up', async () => {
    pool = createPool({ maxThreads: 1 });
    emu.latency(30_000, 'sendDocument');
    let uploading: () => void = () => {};
    const upload = new Promise<void>((resolve) => {
      uploading = resolve;
    });
    const job = failureOf(
      pool.processFile(task(), {
        onProgress: (event) => event.phase === 'upload' && uploading(),
      }),
    );
    await upload;
    await bodySent();
    const started = Date.now();
    await pool.close();
    pool = undefined;
    assert.equal((await job).kind, 'aborted');
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(await readdir(tempDir), []);
  });

  describe("fetching an admin's image for the thumbnail", () => {
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => assert.fail('should have been refused'),
        (error: unknown) => {
          assert.ok(error instanceof ThumbnailError, String(error));
          return error;
        },
      );

    it('refuses a 10,000x10,000 image before decoding it', async () => {
      pool = createPool({ maxThreads: 1 });
      const huge = await sharp({
        create: { width: 10_000, height: 10_000, channels: 3, background: '#888' },
      })
        .grayscale()
        .png({ compressionLevel: 1 })
        .toBuffer();
      const error = await refusal(pool.fetchThumbnail(image(huge)));
      assert.equal(error.reason, 'too-big');
      // sharp's refusal from the header, before it decodes a single row.
      assert.match(error.message, /exceeds pixel limit/);
    });

    it('refuses a file over the byte cap without reading it', async () => {
      pool = createPool({ maxThreads: 1 });
      const error = await refusal(
        pool.fetchThumbnail(image(randomBytes(50_000), { maxBytes: 20_000 })),
      );
      assert.equal(error.reason, 'too-big');
      assert.equal(emu.calls.filter((call) => call.method === 'getFile').length, 1);
    });

    it('gives up a stalled download after its timeout, keeping the token out', async () => {
      pool = createPool({ maxThreads: 1 });
      emu.latency(30_000, 'getFile');
      const started = Date.now();
      const error = await refusal(pool.fetchThumbnail(image(randomBytes(100), { timeoutMs: 300 })));
      assert.equal(error.reason, 'download');
      assert.match(error.message, /no answer within 300 ms/);
      assert.ok(!error.message.includes(emu.token));
      // The getFile answer was held for 30 s: a generous bound still proves the timeout.
      assert.ok(Date.now() - started < 15_000, `${Date.now() - started} ms`);
    });
  });
});
