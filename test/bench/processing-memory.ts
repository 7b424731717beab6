/**
 * Memory of the re-upload path: does RSS grow with the file size? It should not: the
 * bytes are streamed (download to a temp file, upload from it), never held whole.
 *
 *   npx tsx test/bench/processing-memory.ts             # 50 MB and 500 MB, each in a fresh process
 *   npx tsx test/bench/processing-memory.ts --mb 500    # one size, this process
 *   ... --download                                      # public-API path: HTTP download + temp file
 *
 * The emulator runs in local mode (getFile answers a path on disk, the worker reads it in
 * place and uploads it) unless --download, which raises the emulator's public limits so the
 * file goes through `GET /file/bot<token>/...` and a temporary file first. The emulator,
 * the main thread and the pool's workers share this process, so RSS covers them all; the
 * emulator writes the upload to its own temp dir, removed at the end. It prints, it asserts
 * nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MB } from '../../src/library/limits.js';
import { createPool, type PoolTask } from '../../src/library/pool.js';
import { DEFAULT_THUMBNAIL_PATH } from '../../src/library/thumbnail.js';
import { Emulator } from '../emulator/index.js';
import { printResult } from './result.js';

interface Figures {
  mb: number;
  mode: 'local' | 'download';
  baselineMb: number;
  peakMb: number;
  growthMb: number;
  seconds: number;
}

const { values } = parseArgs({
  options: {
    mb: { type: 'string' },
    download: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const mib = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

async function measure(mb: number, download: boolean): Promise<Figures> {
  const size = mb * MB;
  const emu = await Emulator.start(
    download
      ? { perChatRate: null, downloadLimitBytes: 4096 * MB, uploadLimitBytes: 4096 * MB }
      : { perChatRate: null, localMode: true },
  );
  const tempDir = await mkdtemp(join(tmpdir(), 'processing-bench-'));
  const pool = createPool({ maxThreads: 1 });
  try {
    const chatId = emu.user({ started: true }).id;
    const task = (fileSize: number): PoolTask => ({
      apiRoot: emu.apiRoot,
      token: emu.token,
      localBotApi: !download,
      fileId: emu.createFile({ kind: 'video', fileName: 'lecture.mp4', size: fileSize }).file_id,
      kind: 'video',
      fileName: 'Lecture - PrimeLingoBot.mp4',
      thumbnailPath: DEFAULT_THUMBNAIL_PATH,
      chatId,
      tempDir,
      timeoutMs: 30 * 60_000,
    });
    // Warm up: the worker thread, grammY and tsx load before the baseline is taken.
    await pool.processFile(task(1024));
    global.gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 50);
    const started = performance.now();
    const result = await pool.processFile(task(size));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    const stored = emu.fileInfo(result.fileId);
    if (stored?.file_size !== size) throw new Error(`uploaded ${stored?.file_size} of ${size}`);
    const left = await readdir(tempDir);
    if (left.length > 0) throw new Error(`temporary files left: ${left.join(', ')}`);
    return {
      mb,
      mode: download ? 'download' : 'local',
      baselineMb: mib(baseline),
      peakMb: mib(peak),
      growthMb: mib(peak - baseline),
      seconds: Math.round(seconds * 100) / 100,
    };
  } finally {
    await pool.close();
    await emu.stop();
    await rm(tempDir, { recursive: true, force: true });
  }
}

function print(figures: Figures): void {
  const { mb, mode, baselineMb, peakMb, growthMb, seconds } = figures;
  const rate = Math.round(mb / seconds);
  console.log(
    `${String(mb).padStart(5)} MB (${mode}): baseline RSS ${baselineMb} MB, peak RSS ${peakMb} MB, ` +
      `peak growth ${growthMb} MB, ${seconds} s (${rate} MB/s)`,
  );
}

if (values.mb) {
  const figures = await measure(Number(values.mb), values.download);
  if (values.json) console.log(JSON.stringify(figures));
  else {
    print(figures);
    const { mb, baselineMb, peakMb, growthMb } = figures;
    printResult({ mb, baselineMb, peakMb, growthMb });
  }
} else {
  // Each size in a fresh process, so one run's heap does not flatter or burden the other.
  const self = fileURLToPath(import.meta.url);
  for (const mb of [50, 500]) {
    const args = [...process.execArgv, self, '--mb', String(mb), '--json'];
    if (values.download) args.push('--download');
    const output = execFileSync(process.execPath, args, { encoding: 'utf8' });
    const line = output.trim().split('\n').at(-1) ?? '{}';
    print(JSON.parse(line) as Figures);
  }
}
