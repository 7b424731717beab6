// sharp's native libraries must stay loaded in the main thread, or a worker thread that
// exits (idle timeout) unloads them under the others' feet (lovell/sharp#2263).
import 'sharp';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ProcessedCopy } from '../db/files.js';
import { createScrubber } from '../scrub.js';
import { ThumbnailError } from './thumbnail.js';
import { workerExecArgv, workerPath } from './worker-files.js';
import type {
  ProcessFailure,
  ProcessFileTask,
  TelegramImage,
  ThumbnailOutcome,
  ThumbnailTask,
  WorkerControl,
  WorkerEvent,
  WorkerOutcome,
} from './worker-messages.js';

/** Options of {@link createPool}. */
export interface PoolOptions {
  /** Threads working at once; each holds one upload. Default 2. */
  maxThreads?: number;
  /** Tasks that may wait for a thread; beyond, a task is refused as 'busy'. Default 100. */
  maxQueue?: number;
  /** A thread's error outside any task (rare; a task's own error rejects the task). */
  onError?: (error: Error) => void;
}

/** A progress report of a running job (at most every 250 ms per phase). */
export type ProgressEvent = Extract<WorkerEvent, { type: 'progress' }>;

/** Options of {@link ProcessingPool.processFile}. */
export interface ProcessOptions {
  /** Cancels a queued job at once and a running one cooperatively (temp files removed). */
  signal?: AbortSignal | undefined;
  /** The job left the queue: a thread runs it now. */
  onStart?: (() => void) | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

/** Why a job did not produce a file: the worker's failure, or a full queue ('busy'). */
export type PoolFailure = ProcessFailure | { kind: 'busy'; message: string };

/** A re-upload that failed; `failure` tells whether it is worth retrying. */
export class ProcessFileError extends Error {
  override name = 'ProcessFileError';

  constructor(readonly failure: PoolFailure) {
    super(
      failure.kind === 'api'
        ? `${failure.method} failed: ${failure.errorCode} ${failure.description}`
        : failure.message,
    );
  }
}

/** A job as the pool takes it: the pool adds the job id and the progress port. */
export type PoolTask = Omit<ProcessFileTask, 'port' | 'jobId'>;

/**
 * The worker-thread pool for file jobs (re-uploads and thumbnails). Created once with
 * {@link createPool}; its queue is bounded, so a flood of jobs meets 'busy' instead of
 * memory growth; {@link close} on shutdown.
 */
export class ProcessingPool {
  /** For metrics (queueSize, utilization); jobs go through the methods. */
  readonly piscina: Piscina;
  private readonly running = new Set<() => void>();
  private readonly maxQueue: number;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.maxQueue = options.maxQueue ?? 100;
    this.piscina = new Piscina({
      filename: workerPath('process-file'),
      minThreads: 0,
      maxThreads: options.maxThreads ?? 2,
      maxQueue: this.maxQueue,
      idleTimeout: 60_000,
      closeTimeout: 5000,
      execArgv: workerExecArgv(),
    });
    const onError = options.onError ?? (() => {});
    // Without a listener an 'error' event would crash the process.
    this.piscina.on('error', (error: Error) => onError(error));
  }

  /**
   * Downloads a file and uploads it again under `task.fileName` with the thumbnail, in a
   * worker thread. Rejects with a {@link ProcessFileError} whose text never holds the token.
   * A job cancelled in the instant it starts (before its thread reports in) has its thread
   * terminated instead; its temporary file is removed here all the same.
   */
  async processFile(task: PoolTask, options: ProcessOptions = {}): Promise<ProcessedCopy> {
    const { signal, onStart, onProgress } = options;
    if (signal?.aborted) throw aborted();
    // piscina holds a task that has an AbortSignal in a separate queue that maxQueue does
    // not count (piscina 5.3), so the bound is enforced here.
    if (this.piscina.queueSize >= this.maxQueue) {
      throw new ProcessFileError({ kind: 'busy', message: BUSY });
    }
    const jobId = randomUUID();
    const { port1, port2 } = new MessageChannel();
    let started = false;
    port1.on('message', (event: WorkerEvent) => {
      if (event.type === 'progress') onProgress?.(event);
      else if (!started) {
        started = true;
        onStart?.();
      }
    });
    // piscina's own signal would terminate a running thread mid-request and skip its
    // cleanup: it is used only while the job waits in the queue; a running job is told.
    const queued = new AbortController();
    const abort = () => {
      port1.postMessage({ type: 'abort' } satisfies WorkerControl);
      if (!started) queued.abort();
    };
    signal?.addEventListener('abort', abort, { once: true });
    this.running.add(abort);
    try {
      const outcome: WorkerOutcome = await this.piscina.run(
        { ...task, jobId, port: port2 } satisfies ProcessFileTask,
        { transferList: [port2], signal: queued.signal },
      );
      if (!outcome.ok) throw new ProcessFileError(outcome.failure);
      return outcome.file;
    } catch (error) {
      if (error instanceof ProcessFileError) throw error;
      throw new ProcessFileError(poolFailure(error, task.token));
    } finally {
      signal?.removeEventListener('abort', abort);
      this.running.delete(abort);
      port1.close();
      // The worker removes it itself; this covers a thread that died mid-download.
      await rm(join(task.tempDir, `${jobId}.part`), { force: true });
    }
  }

  /**
   * {@link makeThumbnail} in a worker thread: a JPEG within 320x320 and under 200 kB.
   * Rejects with a ThumbnailError whose reason says why (not an image, too many pixels).
   */
  makeThumbnail(input: Uint8Array): Promise<Buffer> {
    return this.thumbnail({ input });
  }

  /**
   * Fetches an image from Telegram and makes the thumbnail of it, both in a worker thread,
   * within the image's byte cap and timeout. Rejects with a ThumbnailError whose reason
   * says why: not an image, too big (bytes or pixels), or not fetched.
   */
  fetchThumbnail(image: TelegramImage): Promise<Buffer> {
    return this.thumbnail({ image });
  }

  private async thumbnail(task: ThumbnailTask): Promise<Buffer> {
    const outcome: ThumbnailOutcome = await this.piscina.run(task, {
      filename: workerPath('thumbnail'),
    });
    if (!outcome.ok) throw new ThumbnailError(outcome.reason, outcome.message);
    return Buffer.from(outcome.jpeg.buffer, outcome.jpeg.byteOffset, outcome.jpeg.byteLength);
  }

  /** Threads at work and jobs waiting; `accepting` is false once closed or the queue is full. */
  status(): { accepting: boolean; busy: number; queued: number } {
    const queued = this.piscina.queueSize;
    return {
      accepting: !this.closed && queued < this.maxQueue,
      busy: this.piscina.threads.length - this.piscina.idleThreads,
      queued,
    };
  }

  /**
   * Shuts the pool down: queued jobs are refused, running re-uploads are cancelled (they
   * are re-run from their durable job after the restart) and threads exit.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const abort of this.running) abort();
    await this.piscina.close({ force: true });
  }
}

/** Creates the one pool of the process (see {@link ProcessingPool}). */
export function createPool(options: PoolOptions = {}): ProcessingPool {
  return new ProcessingPool(options);
}

const BUSY = 'too many files are waiting to be processed';

/** The error of a job cancelled by its AbortSignal (queued, running or between attempts). */
export function aborted(): ProcessFileError {
  return new ProcessFileError(CANCELLED);
}

const CANCELLED: PoolFailure = { kind: 'aborted', message: 'processing was cancelled' };

/** piscina's own refusals, or a thread that died: the token is scrubbed all the same. */
function poolFailure(error: unknown, token: string): PoolFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'AbortError') {
    return CANCELLED;
  }
  if (message === 'Task queue is at limit') {
    return { kind: 'busy', message: BUSY };
  }
  return { kind: 'internal', message: createScrubber([token])(message) };
}
