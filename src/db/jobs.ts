import { sql } from 'kysely';
import type { Db } from './database.js';
import type { ProcessingJobsTable } from './schema.js';

export interface Job {
  id: number;
  file_id: number;
  status: ProcessingJobsTable['status'];
  attempts: number;
  notify_chat_id: number | null;
}

/**
 * Queues (or queues again) the processing of a file. One job per file: asking again for a
 * file whose job ended starts it over; a job queued or running is left as it is.
 */
export async function enqueueJob(
  db: Db,
  fileId: number,
  notifyChatId: number | null,
): Promise<void> {
  await db
    .insertInto('processing_jobs')
    // run_after from this clock, the one claimJob compares it with.
    .values({
      file_id: fileId,
      status: 'queued',
      notify_chat_id: notifyChatId,
      run_after: Date.now(),
    })
    .onConflict((oc) =>
      oc
        .column('file_id')
        .doUpdateSet({
          status: 'queued',
          attempts: 0,
          run_after: Date.now(),
          notify_chat_id: notifyChatId,
          result: null,
          updated_at: Date.now(),
        })
        .where('processing_jobs.status', 'not in', ['queued', 'running']),
    )
    .execute();
}

/**
 * Marks the next due job running and returns it; `fileId` claims that file's job instead,
 * if it is queued and due (one waiting out a 429 is not). Claiming is one statement, so two
 * claimers never take the same job.
 */
export async function claimJob(db: Db, fileId?: number): Promise<Job | undefined> {
  const now = Date.now();
  let next = db
    .selectFrom('processing_jobs')
    .select('id')
    .where('status', '=', 'queued')
    .where('run_after', '<=', now)
    .orderBy('id')
    .limit(1);
  if (fileId !== undefined) next = next.where('file_id', '=', fileId);
  return db
    .updateTable('processing_jobs')
    .set({ status: 'running', attempts: sql`attempts + 1`, updated_at: now })
    .where('id', '=', next)
    .returning(['id', 'file_id', 'status', 'attempts', 'notify_chat_id'])
    .executeTakeFirst();
}

/** The status of the file's job, if it has one. */
export async function jobStatus(db: Db, fileId: number): Promise<Job['status'] | undefined> {
  const row = await db
    .selectFrom('processing_jobs')
    .select('status')
    .where('file_id', '=', fileId)
    .executeTakeFirst();
  return row?.status;
}

/** Ends a job: processed ('done'), served as the original, or failed for good. */
export async function finishJob(
  db: Db,
  id: number,
  status: 'done' | 'original' | 'failed',
  result: unknown,
): Promise<void> {
  await db
    .updateTable('processing_jobs')
    .set({ status, result: JSON.stringify(result), updated_at: Date.now() })
    .where('id', '=', id)
    .execute();
}

/**
 * Puts a running job back in the queue, to start no earlier than `runAfter` (unix ms). The
 * run is not counted: a 429 to wait out or a shutdown says nothing about the file.
 */
export async function retryJob(db: Db, id: number, runAfter: number, error: string): Promise<void> {
  await db
    .updateTable('processing_jobs')
    .set({
      status: 'queued',
      attempts: sql`max(attempts - 1, 0)`,
      run_after: runAfter,
      result: JSON.stringify({ error }),
      updated_at: Date.now(),
    })
    .where('id', '=', id)
    .execute();
}

/** Jobs a crash left running go back to the queue; returns how many. */
export async function requeueRunningJobs(db: Db): Promise<number> {
  const result = await db
    .updateTable('processing_jobs')
    .set({ status: 'queued', updated_at: Date.now() })
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
