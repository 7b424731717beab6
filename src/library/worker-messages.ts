import type { MessagePort } from 'node:worker_threads';
import type { ProcessedCopy } from '../db/files.js';
import type { FileKind } from '../db/schema.js';
import type { SearchOptions } from './search.js';
import type { ThumbnailRefusal } from './thumbnail.js';

// What crosses the thread boundary between the pool (src/library/pool.ts) and the worker
// files (workers/): plain, structured-clonable data only, typed once for both sides.

/** Where a worker finds a Telegram file: the Bot API it talks to, as the bot's own. */
export interface BotApiAccess {
  /** Bot API root, without a trailing slash. */
  apiRoot: string;
  token: string;
  /** A local `telegram-bot-api --local` server: getFile answers an absolute path on its disk. */
  localBotApi: boolean;
}

/** One re-upload job. */
export interface ProcessFileTask extends BotApiAccess {
  /** The original file. */
  fileId: string;
  kind: FileKind;
  /** The new name, extension included (`Grammar Basics - PrimeLingoBot.pdf`). */
  fileName: string;
  /** A JPEG fit to be a thumbnail (see makeThumbnail); none sends the file without one. */
  thumbnailPath?: string | undefined;
  /** Where the processed copy is sent (the storage chat); the message stays there. */
  chatId: number | string;
  /** Temporary downloads go here, as `<jobId>.part`; it is created if missing. */
  tempDir: string;
  /** Names the temporary file, so the pool can remove it even if the thread dies. */
  jobId: string;
  /** The whole job (getFile, download, upload) gives up after this long. */
  timeoutMs: number;
  /** Control and progress channel (see WorkerControl and WorkerEvent); transferred. */
  port: MessagePort;
}

/** Why a job failed, with the token already removed from every text. */
export type ProcessFailure =
  | {
      kind: 'api';
      /** 'getFile', 'download' or the send method. */
      method: string;
      errorCode: number;
      description: string;
      retryAfter: number | undefined;
    }
  | {
      /** 'invalid': the task itself cannot work (its thumbnail is missing): do not retry. */
      kind: 'network' | 'timeout' | 'aborted' | 'invalid' | 'internal';
      message: string;
    };

/**
 * What the re-upload worker answers. A failure is returned, not thrown: an Error crossing
 * the thread boundary keeps only its message and stack, and the caller needs the code to
 * decide on a retry.
 */
export type WorkerOutcome =
  | { ok: true; file: ProcessedCopy }
  | { ok: false; failure: ProcessFailure };

/** Main thread -> worker on the task's port. */
export type WorkerControl = { type: 'abort' };

/** Worker -> main thread on the task's port. */
export type WorkerEvent =
  | { type: 'started' }
  | { type: 'progress'; phase: 'download' | 'upload'; bytes: number; total: number | undefined };

/** An admin's image on Telegram, which the thumbnail worker fetches itself. */
export interface TelegramImage extends BotApiAccess {
  fileId: string;
  /** A larger file is refused without being read to its end. */
  maxBytes: number;
  /** getFile and the download give up after this long together. */
  timeoutMs: number;
}

/** What the thumbnail worker takes: an image's bytes (copied into the thread), or a Telegram file. */
export type ThumbnailTask = { input: Uint8Array } | { image: TelegramImage };

/**
 * What the thumbnail worker answers. A refused image is returned, not thrown, because an
 * Error crossing the thread boundary loses its class. The JPEG (under 200 kB) is copied.
 */
export type ThumbnailOutcome =
  | { ok: true; jpeg: Uint8Array }
  | { ok: false; reason: ThumbnailRefusal; message: string };

/** One search, run in a search thread (workers/search.ts) on its read-only connection. */
export interface SearchTask {
  query: string;
  options: SearchOptions;
}

/** What every search thread is started with (its workerData). */
export interface SearchWorkerData {
  /** The database file, opened read-only. */
  file: string;
  busyTimeoutMs: number;
}
