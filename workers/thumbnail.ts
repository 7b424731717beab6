import { makeThumbnail, ThumbnailError } from '../src/library/thumbnail.js';

// Loaded by piscina inside a worker thread (compiled to CommonJS under tsx: no top-level
// await). The main thread must have loaded sharp too: src/library/pool.ts does.

/** An image to turn into a thumbnail: its bytes (copied into the thread) or a file path. */
export interface ThumbnailTask {
  input: Uint8Array | string;
}

/**
 * What the worker answers. A refused image is returned, not thrown, because an Error
 * crossing the thread boundary loses its class. The JPEG (under 200 kB) is simply copied.
 */
export type ThumbnailOutcome = { ok: true; jpeg: Uint8Array } | { ok: false; message: string };

/** Worker side of makeThumbnail. */
export default async function thumbnail(task: ThumbnailTask): Promise<ThumbnailOutcome> {
  try {
    return { ok: true, jpeg: await makeThumbnail(task.input) };
  } catch (error) {
    if (error instanceof ThumbnailError) return { ok: false, message: error.message };
    throw error;
  }
}
