import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../src/db/database.js';
import { addFile, findFile, updateFileDetails } from '../../../src/db/files.js';
import { claimJob, enqueueJob, retryJob } from '../../../src/db/jobs.js';
import { JobQueue, type JobQueueDeps } from '../../../src/library/jobs.js';
import { ProcessFileError } from '../../../src/library/pool.js';
import type { ProcessingResult } from '../../../src/library/processing.js';
import { createLogger } from '../../../src/logger.js';
import { createMetrics, type Metrics } from '../../../src/ops/metrics.js';
import { eventually } from '../../e2e/harness.js';

const logger = createLogger({ level: 'silent', secrets: [] });

describe('processing jobs', () => {
  let db: Db;
  let queue: JobQueue | undefined;
  let metrics: Metrics;
  beforeEach(async () => {
    db = await openDatabase(':memory:');
    metrics = createMetrics();
  });
  afterEach(async () => {
    await queue?.stop();
    queue = undefined;
    await db.destroy();
  });

  async function addQueued(n: number): Promise<number> {
    const { id } = await addFile(db, {
      file_id: `file-${n}`,
      file_unique_id: `unique-${n}`,
      file_name: 'a.pdf',
      mime_type: null,
      title: `Lesson ${n}`,
      type: 'document',
      size: 1000,
      added_by: null,
      processed_file_id: null,
      thumbnail_file_id: null,
    });
    await enqueueJob(db, id, null);
    return id;
  }

  const job = (fileId: number) =>
    db
      .selectFrom('processing_jobs')
      .select(['status', 'attempts', 'run_after'])
      .where('file_id', '=', fileId)
      .executeTakeFirstOrThrow();

  const processed = (n: number): ProcessingResult => ({
    processed: {
      fileId: `copy-${n}`,
      fileUniqueId: `copy-unique-${n}`,
      kind: 'document',
      thumbnailFileId: undefined,
    },
    fileName: 'Lesson.pdf',
  });

  function start(process: JobQueueDeps['process'], maxRuns = 2): JobQueue {
    queue = new JobQueue({
      db,
      logger,
      metrics,
      process,
      notify: async () => {},
      concurrency: 1,
      maxRuns,
      pollMs: 10,
    });
    return queue;
  }

  it('does not count a 429 reschedule as a run: five of them do not fail the job', async () => {
    const id = await addQueued(1);
    let calls = 0;
    await start(async () => {
      calls++;
      if (calls <= 5) {
        throw new ProcessFileError({
          kind: 'api',
          method: 'sendDocument',
          errorCode: 429,
          description: 'Too Many Requests: retry after 0.01',
          retryAfter: 0.01,
        });
      }
      return processed(1);
    }).start();
    await eventually(
      async () => {
        const { status } = await job(id);
        assert.notEqual(status, 'failed', 'failed as interrupted too many times');
        return status === 'done';
      },
      'the job to be done',
      5000,
    );
    assert.deepEqual(await job(id).then(({ status, attempts }) => ({ status, attempts })), {
      status: 'done',
      attempts: 1,
    });
    assert.equal(calls, 6);
    const file = await findFile(db, id);
    assert.equal(file?.processed_file_unique_id, 'copy-unique-1');
    assert.equal(file?.processed_type, 'document');
    // Every run is timed by its outcome (stop() waits until the last one is observed).
    await queue?.stop();
    const runs = (await metrics.jobSeconds.get()).values.filter((v) =>
      v.metricName?.endsWith('_count'),
    );
    assert.deepEqual(
      Object.fromEntries(runs.map(({ labels, value }) => [String(labels.outcome), value])),
      { rescheduled: 5, done: 1 },
    );
  });

  it('makes the copy again when the file is renamed while its job runs', async () => {
    const id = await addQueued(4);
    const titles: string[] = [];
    await start(async (file) => {
      titles.push(file.title);
      // The first run: an admin renames the file (PATCH /api/files/:id) before it ends.
      if (titles.length === 1) await updateFileDetails(db, id, { title: 'Renamed' });
      return processed(titles.length);
    }).start();
    await eventually(async () => (await job(id)).status === 'done', 'the job to be done', 5000);
    assert.deepEqual(titles, ['Lesson 4', 'Renamed']);
    assert.equal((await findFile(db, id))?.processed_file_id, 'copy-2');
  });

  it('does not count a run cut short by shutdown', async () => {
    const id = await addQueued(2);
    for (let stop = 0; stop < 3; stop++) {
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const jobs = start(
        (_file, options) =>
          new Promise((_, reject) => {
            started();
            options.signal?.addEventListener('abort', () =>
              reject(
                new ProcessFileError({ kind: 'aborted', message: 'processing was cancelled' }),
              ),
            );
          }),
      );
      await jobs.start();
      await running;
      await jobs.stop();
      queue = undefined;
      assert.deepEqual(await job(id).then(({ status, attempts }) => ({ status, attempts })), {
        status: 'queued',
        attempts: 0,
      });
    }
  });

  it('leaves a job waiting out its 429 to its time, even for a download', async () => {
    const id = await addQueued(3);
    const claimed = await claimJob(db, id);
    assert.ok(claimed);
    await retryJob(db, claimed.id, Date.now() + 60_000, 'Too Many Requests: retry after 60');
    assert.equal(await claimJob(db, id), undefined, 'a download does not take it');
    assert.equal(await claimJob(db), undefined, 'nor does the queue');

    let calls = 0;
    const jobs = start(async () => {
      calls++;
      return processed(3);
    });
    const file = await jobs.ensureProcessed(id);
    assert.equal(file?.processed_file_id, null, 'the download gets the original');
    assert.equal(calls, 0);
    assert.equal((await job(id)).status, 'queued');

    await db.updateTable('processing_jobs').set({ run_after: Date.now() }).execute();
    assert.equal((await jobs.ensureProcessed(id))?.processed_file_id, 'copy-3', 'due: run now');
  });
});
