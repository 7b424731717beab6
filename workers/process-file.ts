import { randomUUID } from 'node:crypto';
import { constants, createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { access, mkdir, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { MessagePort } from 'node:worker_threads';
import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import type { Message } from 'grammy/types';
import { createScrubber } from '../src/logger.js';

// This file is loaded by piscina inside a worker thread. Under tsx it is compiled to
// CommonJS (piscina require()s it first): no top-level await here.

/** The kinds of library file; each is re-sent with its own method. */
export type ProcessKind = 'document' | 'audio' | 'video';

/** One re-upload job: everything is plain data, so it crosses into the worker as is. */
export interface ProcessFileTask {
  /** Bot API root, without a trailing slash. */
  apiRoot: string;
  token: string;
  /** A local `telegram-bot-api --local` server: getFile answers an absolute path on its disk. */
  localBotApi: boolean;
  /** The original file. */
  fileId: string;
  kind: ProcessKind;
  /** The new name, extension included (`Grammar Basics - PrimeLingoBot.pdf`). */
  fileName: string;
  /** A JPEG fit to be a thumbnail (see makeThumbnail); none sends the file without one. */
  thumbnailPath?: string | undefined;
  /** Where the processed copy is sent (the storage chat); the message stays there. */
  chatId: number | string;
  /** Temporary downloads go here, as `<jobId>.part`; it is created if missing. */
  tempDir: string;
  /** Names the temporary file, so the pool can remove it even if this thread dies. */
  jobId?: string | undefined;
  /** The whole job (getFile, download, upload) gives up after this long. */
  timeoutMs: number;
  /** Facts Telegram shows for audio and video; optional. */
  media?: MediaFacts | undefined;
  /** Control and progress channel (see WorkerControl and WorkerEvent); transferred. */
  port?: MessagePort | undefined;
}

/** Optional audio/video facts passed on to sendAudio/sendVideo. */
export interface MediaFacts {
  duration?: number | undefined;
  width?: number | undefined;
  height?: number | undefined;
  performer?: string | undefined;
  title?: string | undefined;
}

/** The new upload. */
export interface ProcessedFile {
  fileId: string;
  fileUniqueId: string;
  fileSize: number | undefined;
  fileName: string | undefined;
  /** The thumbnail Telegram kept, if any. */
  thumbnailFileId: string | undefined;
  /** The message that carries the copy, in case the caller wants to delete it. */
  chatId: number;
  messageId: number;
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
 * What the worker answers. A failure is returned, not thrown: an Error crossing the thread
 * boundary keeps only its message and stack, and the caller needs the code to decide on a
 * retry.
 */
export type WorkerOutcome =
  | { ok: true; file: ProcessedFile }
  | { ok: false; failure: ProcessFailure };

/** Main thread -> worker on the task's port. */
export type WorkerControl = { type: 'abort' };

/** Worker -> main thread on the task's port. */
export type WorkerEvent =
  | { type: 'started' }
  | { type: 'progress'; phase: 'download' | 'upload'; bytes: number; total: number | undefined };

const PROGRESS_INTERVAL_MS = 250;
const CHUNK_BYTES = 1024 * 1024;

/**
 * Downloads a library file and uploads it again under its new name with the thumbnail:
 * the only way to rename a Telegram file. The bytes go through a temporary file (never
 * whole in memory); that file is removed whatever happens.
 */
export default async function processFile(task: ProcessFileTask): Promise<WorkerOutcome> {
  const scrub = createScrubber([task.token]);
  const cancel = new AbortController();
  const timeout = AbortSignal.timeout(task.timeoutMs);
  const signal = AbortSignal.any([cancel.signal, timeout]);
  const port = task.port;
  port?.on('message', (message: WorkerControl) => {
    if (message.type === 'abort') cancel.abort();
  });
  port?.postMessage({ type: 'started' } satisfies WorkerEvent);
  const temp = join(task.tempDir, `${task.jobId ?? randomUUID()}.part`);
  const streams = new Set<ReadStream>();
  try {
    const file = await run(task, temp, streams, signal);
    return { ok: true, file };
  } catch (error) {
    return { ok: false, failure: describe(error, scrub, cancel.signal, timeout, task.timeoutMs) };
  } finally {
    for (const stream of streams) stream.destroy();
    await rm(temp, { force: true });
    port?.close();
  }
}

async function run(
  task: ProcessFileTask,
  temp: string,
  streams: Set<ReadStream>,
  signal: AbortSignal,
): Promise<ProcessedFile> {
  if (task.thumbnailPath) {
    await access(task.thumbnailPath, constants.R_OK).catch(() => {
      throw new InvalidTask(`the thumbnail ${task.thumbnailPath} cannot be read`);
    });
  }
  const api = new Api(task.token, {
    apiRoot: task.apiRoot,
    // The job's own deadline governs; grammY's default (500 s) would cut a 2 GB upload short.
    timeoutSeconds: Math.ceil(task.timeoutMs / 1000) + 5,
  });
  // grammY types its signal with the abort-controller polyfill; a standard one works.
  const apiSignal = signal as unknown as Parameters<Api['getFile']>[1];
  const info = await api.getFile(task.fileId, apiSignal);
  if (!info.file_path) throw new ApiFailure('getFile', 400, 'Bad Request: file has no file_path');
  const total = info.file_size;
  let source: string;
  if (task.localBotApi && isAbsolute(info.file_path)) {
    // A --local server stores the file on this machine and does not serve it over HTTP.
    source = info.file_path;
  } else {
    await mkdir(task.tempDir, { recursive: true });
    await download(task, info.file_path, temp, total, signal);
    source = temp;
  }

  const report = progress(task.port, 'upload', total);
  // A supplier, so grammY opens the file only when it writes the request body.
  const body = new InputFile(() => chunks(source, report, streams, signal), task.fileName);
  const thumbnail = task.thumbnailPath
    ? new InputFile(task.thumbnailPath, 'thumbnail.jpg')
    : undefined;
  const common = { thumbnail, disable_notification: true };
  const media = task.media ?? {};
  let message: Message;
  switch (task.kind) {
    case 'document':
      message = await api.sendDocument(task.chatId, body, common, apiSignal);
      break;
    case 'audio':
      message = await api.sendAudio(
        task.chatId,
        body,
        { ...common, duration: media.duration, performer: media.performer, title: media.title },
        apiSignal,
      );
      break;
    case 'video':
      message = await api.sendVideo(
        task.chatId,
        body,
        {
          ...common,
          duration: media.duration,
          width: media.width,
          height: media.height,
          supports_streaming: true,
        },
        apiSignal,
      );
      break;
  }
  report.flush();
  const sent = message.document ?? message.audio ?? message.video;
  if (!sent) throw new ApiFailure(method(task.kind), 500, 'the answer carries no file');
  return {
    fileId: sent.file_id,
    fileUniqueId: sent.file_unique_id,
    fileSize: sent.file_size,
    fileName: sent.file_name,
    thumbnailFileId: sent.thumbnail?.file_id,
    chatId: message.chat.id,
    messageId: message.message_id,
  };
}

/** Streams `/file/bot<token>/<file_path>` to `temp`, checking the length it was promised. */
async function download(
  task: ProcessFileTask,
  filePath: string,
  temp: string,
  total: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  const url = `${task.apiRoot}/file/bot${task.token}/${encodeURI(filePath)}`;
  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    throw new ApiFailure('download', response.status, describeBody(text, response.statusText));
  }
  const report = progress(task.port, 'download', total);
  const count = counter(report);
  await pipeline(
    Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    count,
    createWriteStream(temp, { flags: 'w', mode: 0o600 }),
    { signal },
  );
  report.flush();
  const expected = Number(response.headers.get('content-length') ?? total ?? Number.NaN);
  if (Number.isFinite(expected) && report.bytes() !== expected) {
    throw new NetworkFailure(`download ended after ${report.bytes()} of ${expected} bytes`);
  }
}

interface Progress {
  add(bytes: number): void;
  flush(): void;
  bytes(): number;
}

/** Progress events at most every 250 ms: cheap even for gigabytes. */
function progress(
  port: MessagePort | undefined,
  phase: 'download' | 'upload',
  total: number | undefined,
): Progress {
  let bytes = 0;
  let last = 0;
  const send = () =>
    port?.postMessage({ type: 'progress', phase, bytes, total } satisfies WorkerEvent);
  return {
    add(n) {
      bytes += n;
      const now = Date.now();
      if (now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        send();
      }
    },
    flush: send,
    bytes: () => bytes,
  };
}

/** The file's bytes, counted; errors surface through the iteration, unlike with pipe(). */
async function* chunks(
  path: string,
  report: Progress,
  streams: Set<ReadStream>,
  signal: AbortSignal,
): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES, signal });
  streams.add(stream);
  for await (const chunk of stream) {
    report.add((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

function counter(report: Progress): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      report.add(chunk.length);
      callback(null, chunk);
    },
  });
}

class ApiFailure extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly description: string,
  ) {
    super(description);
  }
}

class NetworkFailure extends Error {}

class InvalidTask extends Error {}

function describe(
  error: unknown,
  scrub: (text: string) => string,
  cancelled: AbortSignal,
  timeout: AbortSignal,
  timeoutMs: number,
): ProcessFailure {
  // The job's own signals say best why a request stopped, whatever error surfaced.
  if (cancelled.aborted) return { kind: 'aborted', message: 'processing was cancelled' };
  if (timeout.aborted) {
    return { kind: 'timeout', message: `processing took longer than ${timeoutMs} ms` };
  }
  if (error instanceof GrammyError) {
    return {
      kind: 'api',
      method: error.method,
      errorCode: error.error_code,
      description: scrub(error.description),
      retryAfter: error.parameters.retry_after,
    };
  }
  if (error instanceof ApiFailure) {
    return {
      kind: 'api',
      method: error.method,
      errorCode: error.code,
      description: scrub(error.description),
      retryAfter: undefined,
    };
  }
  if (error instanceof InvalidTask) return { kind: 'invalid', message: scrub(error.message) };
  if (error instanceof HttpError || error instanceof NetworkFailure || isNetworkError(error)) {
    return { kind: 'network', message: scrub(messageOf(error)) };
  }
  return { kind: 'internal', message: scrub(messageOf(error)) };
}

/** fetch's own failures ('fetch failed' with a cause) and socket errors. */
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.message === 'fetch failed') return true;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|EAI_|UND_ERR|ENOTFOUND)/.test(code);
}

/** The message and its causes: grammY's HttpError hides the useful part in `error`. */
function messageOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = current instanceof HttpError ? current.error : current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.filter(Boolean).join(': ') || 'unknown error';
}

function describeBody(text: string, fallback: string): string {
  try {
    const body = JSON.parse(text) as { description?: unknown };
    if (typeof body.description === 'string') return body.description;
  } catch {
    // Not JSON: a proxy's page, say.
  }
  return fallback || 'download failed';
}

function method(kind: ProcessKind): string {
  return kind === 'document' ? 'sendDocument' : kind === 'audio' ? 'sendAudio' : 'sendVideo';
}
