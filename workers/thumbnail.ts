import { stat } from 'node:fs/promises';
import type { Api } from 'grammy';
import { makeThumbnail, ThumbnailError } from '../src/library/thumbnail.js';
import type {
  TelegramImage,
  ThumbnailOutcome,
  ThumbnailTask,
} from '../src/library/worker-messages.js';
import { createScrubber } from '../src/scrub.js';
import { fileSource, taskApi } from './telegram-file.js';

// Loaded by piscina inside a worker thread (compiled to CommonJS under tsx: no top-level
// await). The main thread must have loaded sharp too: src/library/pool.ts does.

/** Makes a thumbnail, fetching a Telegram image first: both off the update path. */
export default async function thumbnail(task: ThumbnailTask): Promise<ThumbnailOutcome> {
  try {
    const input = 'image' in task ? await fetchImage(task.image) : task.input;
    return { ok: true, jpeg: await makeThumbnail(input) };
  } catch (error) {
    if (error instanceof ThumbnailError) {
      return { ok: false, reason: error.reason, message: error.message };
    }
    throw error;
  }
}

/**
 * The image's bytes from the Bot API's file URL, or its path on a local server's disk:
 * never more than `maxBytes` (a larger one is refused as soon as that is known), and given
 * up after `timeoutMs`, getFile included.
 */
async function fetchImage(image: TelegramImage): Promise<Uint8Array | string> {
  const signal = AbortSignal.timeout(image.timeoutMs);
  const tooBig = () => new ThumbnailError('too-big', `the image is over ${image.maxBytes} bytes`);
  try {
    const api = taskApi(image, Math.ceil(image.timeoutMs / 1000));
    // grammY types its signal with the abort-controller polyfill; a standard one works.
    const file = await api.getFile(
      image.fileId,
      signal as unknown as Parameters<Api['getFile']>[1],
    );
    if ((file.file_size ?? 0) > image.maxBytes) throw tooBig();
    const source = fileSource(image, file.file_path ?? '');
    if ('path' in source) {
      if ((await stat(source.path)).size > image.maxBytes) throw tooBig();
      return source.path;
    }
    const response = await fetch(source.url, { signal });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > image.maxBytes) throw tooBig();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof ThumbnailError) throw error;
    const why = signal.aborted
      ? `no answer within ${image.timeoutMs} ms`
      : error instanceof Error
        ? error.message
        : String(error);
    const scrub = createScrubber([image.token]);
    throw new ThumbnailError('download', scrub(`the image could not be fetched: ${why}`));
  }
}
