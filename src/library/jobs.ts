import type { Db } from '../db/database.js';
import { findFile, setProcessedFile } from '../db/files.js';
import {
  claimJob,
  enqueueJob,
  finishJob,
  type Job,
  jobStatus,
  requeueRunningJobs,
  retryJob,
} from '../db/jobs.js';
import type { LibraryFile } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { JobOutcome, Metrics } from '../ops/metrics.js';
import { type LimitReason, MB } from './limits.js';
import { ProcessFileError, type ProcessOptions } from './pool.js';
import type { ProcessingResult } from './processing.js';

/** The library's processing jobs, as the bot's features see them. */
export interface Processing {
  /**
   * Resolves with the file once it has its processed copy, made now through the worker pool
   * if need be (joining a job already running). A file beyond the Bot API limits, or whose
   * processing failed, resolves as it is: send its original file_id. Undefined when the
   * file is gone.
   */
  ensureProcessed(fileId: number): Promise<LibraryFile | undefined>;
  /** A job was just queued (enqueueJob, in the file's own transaction): run it soon. */
  kick(): void;
}

/** What the admin who added a file hears about its job. */
export type JobNotice =
  | { type: 'progress'; file: LibraryFile; phase: 'download' | 'upload'; percent: number }
  | { type: 'done'; file: LibraryFile; fileName: string }
  | { type: 'original'; file: LibraryFile; reason: LimitReason; limitBytes: number }
  | { type: 'failed'; file: LibraryFile; error: string };

export interface JobQueueDeps {
  db: Db;
  logger: Logger;
  metrics: Pick<Metrics, 'jobSeconds'>;
  /** Makes the processed copy (processing.ts's processFile, bound to its dependencies). */
  process: (file: LibraryFile, options: ProcessOptions) => Promise<ProcessingResult>;
  notify: (chatId: number, notice: JobNotice) => Promise<void>;
  /** A job failed for good, whoever added the file (the admins' alert). */
  onFailed?: (file: LibraryFile, error: string) => void;
  /** Jobs at once; the pool's thread count. */
  concurrency: number;
  /** Runs of one job, crashes included, before it is given up. Default 5. */
  maxRuns?: number;
  /** How often due jobs are looked for (delayed retries). Default 2 s. */
  pollMs?: number;
}

/** Files smaller than this finish too fast for progress messages to help. */
const PROGRESS_MIN_BYTES = 20 * MB;
const PROGRESS_EVERY_MS = 3000;

/**
 * The durable queue of processing jobs. Jobs are rows (processing_jobs): one a crash left
 * running is queued again at start(), failures are retried inside processFile and then
 * recorded, a 429 with a long retry_after is rescheduled, and the admin gets progress for
 * large files and one final message per job. ensureProcessed() lets a download wait for a
 * file's copy, joining its running job or running it at once.
 */
export class JobQueue implements Processing {
  /** Jobs running, by file id. */
  private readonly running = new Map<number, Promise<void>>();
  /** Downloads claiming a file's job, by file id: concurrent ones share the claim. */
  private readonly claims = new Map<number, Promise<void>>();
  /** Each job's notices, chained so the final one never overtakes a progress message. */
  private readonly notices = new Map<number, Promise<void>>();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private pumping = false;

  constructor(private readonly deps: JobQueueDeps) {}

  async start(): Promise<void> {
    const resumed = await requeueRunningJobs(this.deps.db);
    if (resumed > 0)
      this.deps.logger.info({ jobs: resumed }, 'resuming interrupted processing jobs');
    this.timer = setInterval(() => void this.pump(), this.deps.pollMs ?? 2000);
    void this.pump();
  }

  /** Stops taking jobs and cancels running ones; they run again after the restart. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  kick(): void {
    void this.pump();
  }

  async ensureProcessed(fileId: number): Promise<LibraryFile | undefined> {
    const file = await findFile(this.deps.db, fileId);
    if (!file || file.processed_file_id) return file;
    // No await between the look-up and the set: concurrent downloads share one claim.
    let claim = this.claims.get(fileId);
    if (!claim) {
      claim = this.claim(fileId).finally(() => this.claims.delete(fileId));
      this.claims.set(fileId, claim);
    }
    await claim;
    // The pump may have taken the job first: then wait for its run.
    await this.running.get(fileId);
    return findFile(this.deps.db, fileId);
  }

  private async claim(fileId: number): Promise<void> {
    const running = this.running.get(fileId);
    if (running) return running;
    // A file that never had a job (imported in bulk, say) gets one now.
    if ((await jobStatus(this.deps.db, fileId)) === undefined) {
      await enqueueJob(this.deps.db, fileId, null);
    }
    const job = await claimJob(this.deps.db, fileId);
    if (job) await this.run(job);
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.stopping.signal.aborted) return;
    this.pumping = true;
    try {
      while (this.running.size < this.deps.concurrency) {
        const job = await claimJob(this.deps.db);
        if (!job) break;
        void this.run(job);
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, 'could not claim a processing job');
    } finally {
      this.pumping = false;
    }
  }

  private run(job: Job): Promise<void> {
    const end = this.deps.metrics.jobSeconds.startTimer();
    const task = this.execute(job)
      .then((outcome) => {
        if (outcome) end({ outcome });
      })
      .finally(() => {
        this.running.delete(job.file_id);
        void this.pump();
      });
    this.running.set(job.file_id, task);
    return task;
  }

  /** Runs the job; resolves with its outcome, or undefined when there was nothing to do. */
  private async execute(job: Job): Promise<JobOutcome | undefined> {
    const { db, logger } = this.deps;
    const file = await findFile(db, job.file_id);
    if (!file) return;
    if (file.processed_file_id) {
      await finishJob(db, job.id, 'done', { fileName: file.file_name });
      return;
    }
    const log = logger.child({ job_id: job.id, file_id: file.id });
    if (job.attempts > (this.deps.maxRuns ?? 5)) {
      await this.fail(job, file, 'interrupted too many times');
      return 'failed';
    }
    try {
      const result = await this.deps.process(file, this.options(job, file));
      if ('processed' in result) {
        // Together: a crash between the two would upload the copy a second time.
        const current = await db.transaction().execute(async (trx) => {
          // Renamed or sent for reprocessing meanwhile (admin API): this copy is stale.
          const now = await findFile(trx, file.id);
          if (now?.updated_at !== file.updated_at || now.title !== file.title) {
            await retryJob(trx, job.id, Date.now(), 'the file changed while it was processed');
            return false;
          }
          await setProcessedFile(trx, file.id, result.processed);
          await finishJob(trx, job.id, 'done', { fileName: result.fileName });
          return true;
        });
        if (!current) {
          log.info('the file changed while it was processed: processing it again');
          return 'rescheduled';
        }
        log.info({ file_name: result.fileName }, 'file processed');
        await this.tell(job, { type: 'done', file, fileName: result.fileName });
        return 'done';
      }
      const { reason, limitBytes } = result;
      await finishJob(db, job.id, 'original', { reason, limitBytes });
      log.info({ reason }, 'file beyond the limits: served as the original');
      await this.tell(job, { type: 'original', file, reason, limitBytes });
      return 'original';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.stopping.signal.aborted) {
        await retryJob(db, job.id, Date.now(), 'interrupted by shutdown');
        return 'rescheduled';
      }
      const failure = error instanceof ProcessFileError ? error.failure : undefined;
      if (failure?.kind === 'api' && failure.retryAfter) {
        log.warn({ retry_after: failure.retryAfter }, 'processing rate-limited: rescheduled');
        await retryJob(db, job.id, Date.now() + failure.retryAfter * 1000, message);
        return 'rescheduled';
      }
      log.error({ err: error }, 'processing failed');
      await this.fail(job, file, message);
      return 'failed';
    }
  }

  private async fail(job: Job, file: LibraryFile, error: string): Promise<void> {
    await finishJob(this.deps.db, job.id, 'failed', { error });
    this.deps.onFailed?.(file, error);
    await this.tell(job, { type: 'failed', file, error });
  }

  private options(job: Job, file: LibraryFile): ProcessOptions {
    if (job.notify_chat_id === null || file.size < PROGRESS_MIN_BYTES) {
      return { signal: this.stopping.signal };
    }
    let last = 0;
    return {
      signal: this.stopping.signal,
      onProgress: ({ phase, bytes, total }) => {
        if (!total || Date.now() - last < PROGRESS_EVERY_MS) return;
        last = Date.now();
        const percent = Math.min(100, Math.floor((bytes / total) * 100));
        void this.tell(job, { type: 'progress', file, phase, percent });
      },
    };
  }

  /** Notices are a courtesy: failing to send one never fails the job. */
  private tell(job: Job, notice: JobNotice): Promise<void> {
    const chatId = job.notify_chat_id;
    if (chatId === null) return Promise.resolve();
    const previous = this.notices.get(job.id) ?? Promise.resolve();
    const next = previous.then(() =>
      this.deps.notify(chatId, notice).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, job_id: job.id }, 'could not send a job notice');
      }),
    );
    this.notices.set(job.id, next);
    if (notice.type !== 'progress') void next.finally(() => this.notices.delete(job.id));
    return next;
  }
}
