import { constants, createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { access, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { MessagePort } from 'node:worker_threads';
import { type Api, GrammyError, HttpError, InputFile } from 'grammy';
import type { Message } from 'grammy/types';
import type { ProcessedCopy } from '../src/db/files.js';
import type { FileKind } from '../src/db/schema.js';
import type {
  ProcessFailure,
  ProcessFileTask,
  WorkerControl,
  WorkerEvent,
  WorkerOutcome,
} from '../src/library/worker-messages.js';
import { createScrubber } from '../src/scrub.js';
import { isNetworkError } from '../src/telegram-errors.js';
import { fileSource, taskApi } from './telegram-file.js';

// This file is loaded by piscina inside a worker thread. Under tsx it is compiled to
// CommonJS (piscina require()s it first): no top-level await here.

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
  port.on('message', (message: WorkerControl) => {
    if (message.type === 'abort') cancel.abort();
  });
  port.postMessage({ type: 'started' } satisfies WorkerEvent);
  const temp = join(task.tempDir, `${task.jobId}.part`);
  const streams = new Set<ReadStream>();
  try {
    const file = await run(task, temp, streams, signal);
    return { ok: true, file };
  } catch (error) {
    return { ok: false, failure: describe(error, scrub, cancel.signal, timeout, task.timeoutMs) };
  } finally {
    for (const stream of streams) stream.destroy();
    await rm(temp, { force: true });
    port.close();
  }
}

async function run(
  task: ProcessFileTask,
  temp: string,
  streams: Set<ReadStream>,
  signal: AbortSignal,
): Promise<ProcessedCopy> {
  if (task.thumbnailPath) {
    await access(task.thumbnailPath, constants.R_OK).catch(() => {
      throw new InvalidTask(`the thumbnail ${task.thumbnailPath} cannot be read`);
    });
  }
  // The job's own deadline governs; grammY's default (500 s) would cut a 2 GB upload short.
  const api = taskApi(task, Math.ceil(task.timeoutMs / 1000) + 5);
  // grammY types its signal with the abort-controller polyfill; a standard one works.
  const apiSignal = signal as unknown as Parameters<Api['getFile']>[1];
  const info = await api.getFile(task.fileId, apiSignal);
  if (!info.file_path) throw new ApiFailure('getFile', 400, 'Bad Request: file has no file_path');
  const total = info.file_size;
  const located = fileSource(task, info.file_path);
  let source: string;
  if ('path' in located) {
    source = located.path;
  } else {
    await mkdir(task.tempDir, { recursive: true });
    await download(task, located.url, temp, total, signal);
    source = temp;
  }

  const report = progress(task.port, 'upload', total);
  // A supplier, so grammY opens the file only when it writes the request body.
  const body = new InputFile(() => chunks(source, report, streams, signal), task.fileName);
  const thumbnail = task.thumbnailPath
    ? new InputFile(task.thumbnailPath, 'thumbnail.jpg')
    : undefined;
  const options = { thumbnail, disable_notification: true };
  let message: Message;
  switch (task.kind) {
    case 'document':
      message = await api.sendDocument(task.chatId, body, options, apiSignal);
      break;
    case 'audio':
      message = await api.sendAudio(task.chatId, body, options, apiSignal);
      break;
    case 'video':
      message = await api.sendVideo(
        task.chatId,
        body,
        { ...options, supports_streaming: true },
        apiSignal,
      );
      break;
  }
  report.flush();
  // Telegram may keep a format it cannot play as a document: the answer tells the kind.
  const [kind, sent] = message.audio
    ? (['audio', message.audio] as const)
    : message.video
      ? (['video', message.video] as const)
      : (['document', message.document] as const);
  if (!sent) throw new ApiFailure(method(task.kind), 500, 'the answer carries no file');
  return {
    fileId: sent.file_id,
    fileUniqueId: sent.file_unique_id,
    kind,
    thumbnailFileId: sent.thumbnail?.file_id,
  };
}

/** Streams the file at `url` to `temp`, checking the length it was promised. */
async function download(
  task: ProcessFileTask,
  url: string,
  temp: string,
  total: number | undefined,
  signal: AbortSignal,
): Promise<void> {
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
  port: MessagePort,
  phase: 'download' | 'upload',
  total: number | undefined,
): Progress {
  let bytes = 0;
  let last = 0;
  const send = () =>
    port.postMessage({ type: 'progress', phase, bytes, total } satisfies WorkerEvent);
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
  if (error instanceof NetworkFailure || isNetworkError(error)) {
    return { kind: 'network', message: scrub(messageOf(error)) };
  }
  return { kind: 'internal', message: scrub(messageOf(error)) };
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

function method(kind: FileKind): string {
  return kind === 'document' ? 'sendDocument' : kind === 'audio' ? 'sendAudio' : 'sendVideo';
}
