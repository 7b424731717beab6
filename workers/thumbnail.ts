import { makeThumbnail, ThumbnailError } from '../src/library/thumbnail.js';
import type { ThumbnailOutcome, ThumbnailTask } from '../src/library/worker-messages.js';

// Loaded by piscina inside a worker thread (compiled to CommonJS under tsx: no top-level
// await). The main thread must have loaded sharp too: src/library/pool.ts does.

/** Worker side of makeThumbnail. */
export default async function thumbnail(task: ThumbnailTask): Promise<ThumbnailOutcome> {
  try {
    return { ok: true, jpeg: await makeThumbnail(task.input) };
  } catch (error) {
    if (error instanceof ThumbnailError) return { ok: false, message: error.message };
    throw error;
  }
}
