/** One mebibyte: Telegram's "MB" in its file limits. */
export const MB = 1024 * 1024;

/** What the bot may move through the Bot API server it talks to. */
export interface FileLimits {
  /** Largest file getFile hands out; Infinity on a local server. */
  downloadBytes: number;
  /** Largest file a send method accepts as a multipart upload. */
  uploadBytes: number;
}

/** Why a file cannot be renamed and re-uploaded: the limit it is over. */
export type LimitReason = 'download' | 'upload';

/** The verdict of {@link canProcess}. */
export type ProcessVerdict =
  | { ok: true }
  | { ok: false; reason: LimitReason; limitBytes: number; size: number };

/**
 * The Bot API file limits: 20 MB down and 50 MB up on the public server; a local
 * `telegram-bot-api --local` server has no download limit and takes uploads up to 2000 MB.
 */
export function fileLimits(localBotApi: boolean): FileLimits {
  return localBotApi
    ? { downloadBytes: Number.POSITIVE_INFINITY, uploadBytes: 2000 * MB }
    : { downloadBytes: 20 * MB, uploadBytes: 50 * MB };
}

/**
 * Whether a file of `size` bytes can be downloaded and uploaded again (needed to rename it
 * and attach a thumbnail). The download limit is checked first: it is the one a file meets
 * first on the public API. An unknown size (Telegram's file_size is optional) is let
 * through: getFile then refuses a file that is too big, and the caller learns it there.
 */
export function canProcess(size: number | undefined, localBotApi: boolean): ProcessVerdict {
  if (size === undefined) return { ok: true };
  const limits = fileLimits(localBotApi);
  if (size > limits.downloadBytes) {
    return { ok: false, reason: 'download', limitBytes: limits.downloadBytes, size };
  }
  if (size > limits.uploadBytes) {
    return { ok: false, reason: 'upload', limitBytes: limits.uploadBytes, size };
  }
  return { ok: true };
}

/** The slowest transfer a file job accepts before it counts as stalled: 1 MB a second. */
const MIN_BYTES_PER_MS = MB / 1000;

/**
 * How long moving `bytes` through the Bot API server may take: `baseMs` (FILE_TIMEOUT_SECONDS,
 * for getFile and the requests themselves) plus the bytes at 1 MB/s, so a 2 GB upload to a
 * local server gets its half hour and a stalled 1 MB one fails within about a minute.
 */
export function transferTimeoutMs(baseMs: number, bytes: number): number {
  return Math.ceil(baseMs + bytes / MIN_BYTES_PER_MS);
}
