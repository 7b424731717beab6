import { extname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { canProcess, fileLimits, type LimitReason } from './limits.js';
import {
  aborted,
  type MediaFacts,
  type PoolFailure,
  type ProcessedFile,
  ProcessFileError,
  type ProcessingPool,
  type ProcessKind,
  type ProcessOptions,
} from './pool.js';

/** How failed attempts are retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 4. */
  attempts: number;
  /** Wait after the first failure; it doubles each time. Default 2 s. */
  baseDelayMs: number;
  /** No single wait is longer; a 429 asking for more is not retried here. Default 60 s. */
  maxDelayMs: number;
}

/** What processing needs from the rest of the system; built once from the Config. */
export interface ProcessingDeps {
  /** The pool, or anything that runs a job the same way (tests). */
  pool: Pick<ProcessingPool, 'processFile'>;
  apiRoot: string;
  token: string;
  localBotApi: boolean;
  /** Where processed copies are uploaded (the storage chat). */
  chatId: number | string;
  /** The JPEG every processed file carries (the default or the admin's /set_thumb). */
  thumbnailPath: string | undefined;
  /** Temporary downloads; emptied again after every job. */
  tempDir: string;
  /** One attempt gives up after this long. Default: 10 minutes. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

/** A library file to process, as the catalogue knows it. */
export interface LibraryFile {
  fileId: string;
  kind: ProcessKind;
  /** The display title; it already carries the suffix (` - PrimeLingoBot`). */
  title: string;
  /** The name the file was uploaded with, if any: its extension is kept. */
  fileName?: string | null | undefined;
  mimeType?: string | null | undefined;
  /** Bytes, if known. */
  size?: number | null | undefined;
  media?: MediaFacts | undefined;
}

/** What happened to a file: a renamed copy with the thumbnail, or the original kept. */
export type ProcessingResult =
  | { processed: ProcessedFile; fileName: string }
  | {
      served: 'original';
      /** The Bot API limit the file is over: tell the admin which one. */
      reason: LimitReason;
      /** That limit in bytes (Infinity never appears: only finite limits refuse). */
      limitBytes: number;
      size: number | undefined;
    };

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 2000, maxDelayMs: 60_000 };

/**
 * Makes a library file's processed copy: named `<title><original extension>` and carrying
 * the thumbnail, uploaded by a worker thread. A file over the Bot API limits is served as
 * the original, with the reason. Failed attempts are retried with backoff, 429s after
 * their retry_after; other 4xx answers are final. Rejects with a {@link ProcessFileError}
 * when every attempt failed, or at once when `signal` aborts.
 */
export async function processFile(
  deps: ProcessingDeps,
  file: LibraryFile,
  options: ProcessOptions = {},
): Promise<ProcessingResult> {
  const size = file.size ?? undefined;
  const verdict = canProcess(size, deps.localBotApi);
  if (!verdict.ok) {
    return { served: 'original', reason: verdict.reason, limitBytes: verdict.limitBytes, size };
  }
  const fileName = targetFileName(file.title, file.fileName, file.mimeType, file.kind);
  const task = {
    apiRoot: deps.apiRoot,
    token: deps.token,
    localBotApi: deps.localBotApi,
    fileId: file.fileId,
    kind: file.kind,
    fileName,
    thumbnailPath: deps.thumbnailPath,
    chatId: deps.chatId,
    tempDir: deps.tempDir,
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    media: file.media,
  };
  const policy = { ...DEFAULT_RETRY, ...deps.retry };
  for (let attempt = 1; ; attempt++) {
    try {
      return { processed: await deps.pool.processFile(task, options), fileName };
    } catch (error) {
      if (!(error instanceof ProcessFileError)) throw error;
      const overLimit = limitRefusal(error.failure, deps.localBotApi);
      if (overLimit) return { served: 'original', ...overLimit, size };
      const wait = retryDelay(error.failure, attempt, policy);
      if (wait === undefined || attempt >= policy.attempts) throw error;
      await delay(wait, undefined, { signal: options.signal }).catch(() => {
        throw aborted();
      });
    }
  }
}

/**
 * How long to wait before the next attempt, or undefined when retrying cannot help:
 * a 4xx refusal other than 429, a 429 asking for more than maxDelayMs, a cancelled job,
 * or a task that cannot work.
 */
export function retryDelay(
  failure: PoolFailure,
  attempt: number,
  policy: RetryPolicy,
): number | undefined {
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  switch (failure.kind) {
    case 'aborted':
    case 'invalid':
      return undefined;
    case 'api':
      if (failure.errorCode === 429) {
        // Retrying before retry_after only earns a longer ban: past the cap, the caller
        // reschedules (the error carries retryAfter).
        const wait = Math.max((failure.retryAfter ?? 1) * 1000, backoff);
        return wait <= policy.maxDelayMs ? wait : undefined;
      }
      return failure.errorCode >= 500 ? backoff : undefined;
    default:
      // network, timeout, busy and a thread that died: all worth another go.
      return backoff;
  }
}

/**
 * A refusal that means the file is over a limit after all (its size was unknown, or the
 * server's limits are lower than ours): getFile's "file is too big" or a 413 on upload.
 */
function limitRefusal(
  failure: PoolFailure,
  localBotApi: boolean,
): { reason: LimitReason; limitBytes: number } | undefined {
  if (failure.kind !== 'api') return undefined;
  const limits = fileLimits(localBotApi);
  if (failure.method === 'getFile' && /file is too big/i.test(failure.description)) {
    return { reason: 'download', limitBytes: limits.downloadBytes };
  }
  if (failure.errorCode === 413) return { reason: 'upload', limitBytes: limits.uploadBytes };
  return undefined;
}

// Extensions for files whose name does not tell (sent without one, or with a bare name).
const EXTENSION_BY_MIME: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/epub+zip': '.epub',
  'application/msword': '.doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.ms-excel': '.xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/vnd.ms-powerpoint': '.ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': '.pptx',
  'application/zip': '.zip',
  'application/x-zip-compressed': '.zip',
  'application/x-rar-compressed': '.rar',
  'application/vnd.rar': '.rar',
  'application/x-7z-compressed': '.7z',
  'image/vnd.djvu': '.djvu',
  'text/plain': '.txt',
  'audio/mpeg': '.mp3',
  'audio/mp3': '.mp3',
  'audio/mp4': '.m4a',
  'audio/x-m4a': '.m4a',
  'audio/aac': '.aac',
  'audio/ogg': '.ogg',
  'audio/opus': '.opus',
  'audio/flac': '.flac',
  'audio/x-wav': '.wav',
  'audio/wav': '.wav',
  'video/mp4': '.mp4',
  'video/x-matroska': '.mkv',
  'video/quicktime': '.mov',
  'video/webm': '.webm',
  'video/x-msvideo': '.avi',
  'image/jpeg': '.jpg',
  'image/png': '.png',
};
// sendAudio takes MP3/M4A and sendVideo MP4: the likeliest name when nothing else tells.
const EXTENSION_BY_KIND: Record<ProcessKind, string> = {
  document: '',
  audio: '.mp3',
  video: '.mp4',
};
const COMPOUND = /\.tar\.(gz|bz2|xz|zst)$/i;

/**
 * The processed file's name: `<title><original extension>`. The extension comes from the
 * original name (`.tar.gz` kept whole), else the MIME type, else the kind. Control
 * characters (grammY refuses line breaks in a name) and path separators become spaces
 * and dashes.
 */
export function targetFileName(
  title: string,
  fileName: string | null | undefined,
  mimeType: string | null | undefined,
  kind: ProcessKind,
): string {
  const base = title
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/[/\\]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  return `${base || 'file'}${extensionOf(fileName, mimeType, kind)}`;
}

function extensionOf(
  fileName: string | null | undefined,
  mimeType: string | null | undefined,
  kind: ProcessKind,
): string {
  if (fileName) {
    const compound = COMPOUND.exec(fileName);
    if (compound) return compound[0];
    const ext = extname(fileName);
    if (/^\.[A-Za-z0-9]{1,10}$/.test(ext)) return ext;
  }
  const mime = mimeType?.split(';')[0]?.trim().toLowerCase();
  return (mime && EXTENSION_BY_MIME[mime]) || EXTENSION_BY_KIND[kind];
}
