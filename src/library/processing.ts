import { setTimeout as delay } from 'node:timers/promises';
import type { ProcessedCopy } from '../db/files.js';
import type { LibraryFile } from '../db/schema.js';
import { refusalMeaning } from '../telegram-errors.js';
import { type NamedFile, targetFileName } from './file-name.js';
import { canProcess, fileLimits, type LimitReason, transferTimeoutMs } from './limits.js';
import {
  aborted,
  type PoolFailure,
  ProcessFileError,
  type ProcessingPool,
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
  /** TITLE_SUFFIX, kept in every name however long the title (see targetFileName). */
  titleSuffix: string;
  /**
   * One attempt gives up after this long plus the time the file's bytes (down and up) take
   * at 1 MB/s (see transferTimeoutMs): FILE_TIMEOUT_SECONDS.
   */
  fileTimeoutMs: number;
  retry?: Partial<RetryPolicy>;
}

/** The parts of a library file that processing reads. */
export type ProcessableFile = NamedFile & Pick<LibraryFile, 'file_id' | 'size'>;

/** What happened to a file: a renamed copy with the thumbnail, or the original kept. */
export type ProcessingResult =
  | { processed: ProcessedCopy; fileName: string }
  | {
      served: 'original';
      /** The Bot API limit the file is over: tell the admin which one. */
      reason: LimitReason;
      /** That limit in bytes (Infinity never appears: only finite limits refuse). */
      limitBytes: number;
      size: number | undefined;
    };

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
  file: ProcessableFile,
  options: ProcessOptions = {},
): Promise<ProcessingResult> {
  // 0 is what the upload dialog stores when Telegram did not say.
  const size = file.size || undefined;
  const verdict = canProcess(size, deps.localBotApi);
  if (!verdict.ok) {
    return { served: 'original', reason: verdict.reason, limitBytes: verdict.limitBytes, size };
  }
  const fileName = targetFileName(file, deps.titleSuffix);
  const task = {
    apiRoot: deps.apiRoot,
    token: deps.token,
    localBotApi: deps.localBotApi,
    fileId: file.file_id,
    kind: file.type,
    fileName,
    thumbnailPath: deps.thumbnailPath,
    chatId: deps.chatId,
    tempDir: deps.tempDir,
    // Down and up: the bytes cross twice.
    timeoutMs: transferTimeoutMs(deps.fileTimeoutMs, 2 * (size ?? 0)),
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
    case 'api': {
      const meaning = refusalMeaning(failure);
      if (meaning.kind === 'retryAfter') {
        // Retrying before retry_after only earns a longer ban: past the cap, the caller
        // reschedules (the error carries retryAfter).
        const wait = Math.max(meaning.seconds * 1000, backoff);
        return wait <= policy.maxDelayMs ? wait : undefined;
      }
      return meaning.kind === 'transient' ? backoff : undefined;
    }
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
